package dev.slipway.image.sbom;

import dev.slipway.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Finds the operating system, its packages and tarball-installed JVMs in an image's merged file system: Debian/Ubuntu
 * dpkg ({@code var/lib/dpkg/status}, {@code var/lib/dpkg/status.d/*}), Alpine apk ({@code lib/apk/db/installed},
 * {@code usr/lib/apk/db/installed}), RPM ({@code rpmdb.sqlite}; the Berkeley DB and NDB formats are recognised and
 * reported as unread), and JVM {@code release} files that no OS package owns. A package database that cannot be
 * read is a warning in the result, never a silent empty list.
 */
public final class OsPackages {
  static final String DPKG_STATUS = "var/lib/dpkg/status";
  static final String DPKG_STATUS_D = "var/lib/dpkg/status.d";
  static final String DPKG_INFO = "var/lib/dpkg/info";
  static final List<String> APK_DBS = List.of("lib/apk/db/installed", "usr/lib/apk/db/installed");
  static final List<String> OS_RELEASE = List.of("etc/os-release", "usr/lib/os-release");
  /** Where rpm keeps its database, newest layout first (Trivy and Syft look in the same places). */
  static final List<String> RPM_DBS = List.of(
      "usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite", "usr/share/rpm/rpmdb.sqlite",
      "usr/lib/sysimage/rpm/Packages.db", "var/lib/rpm/Packages.db",
      "usr/lib/sysimage/rpm/Packages", "var/lib/rpm/Packages");

  static final String DOC = "usr/share/doc/";

  /** The paths {@link LayerFiles} must keep for this detector. */
  public static final Predicate<String> WANTED = path -> path.equals(DPKG_STATUS)
      || (path.startsWith(DPKG_STATUS_D + "/") && path.indexOf('/', DPKG_STATUS_D.length() + 1) < 0)
      || isDpkgFileList(path)
      || APK_DBS.contains(path) || OS_RELEASE.contains(path) || RPM_DBS.contains(path) || isCopyright(path)
      || JvmRelease.isRelease(path) || JvmRelease.isJavac(path);

  /**
   * What is kept of each wanted file, so that neither memory nor the layer cache holds megabytes: copyright files as
   * the license names they state, one per line; dpkg file lists and md5sums as the lines naming JVM release files;
   * an rpm database as the packages it lists (JSON); a javac binary as nothing (its presence is what counts).
   */
  public static final BiFunction<String, byte[], byte[]> REDUCE = (path, content) -> {
    if (isCopyright(path)) {
      return String.join("\n", DebCopyright.licenses(content)).getBytes(StandardCharsets.UTF_8);
    }
    if (isDpkgFileList(path) || (path.startsWith(DPKG_STATUS_D + "/") && path.endsWith(".md5sums"))) {
      return jvmReleaseLines(content);
    }
    if (RPM_DBS.contains(path)) {
      try {
        return Json.mapper().writeValueAsBytes(RpmDatabase.read(content, path, JvmRelease::isRelease));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (JvmRelease.isJavac(path)) {
      return new byte[0];
    }
    return content;
  };

  static boolean isCopyright(String path) {
    return path.startsWith(DOC) && path.endsWith("/copyright")
        && path.indexOf('/', DOC.length()) == path.length() - "/copyright".length();
  }

  static boolean isDpkgFileList(String path) {
    return path.startsWith(DPKG_INFO + "/") && path.endsWith(".list")
        && path.indexOf('/', DPKG_INFO.length() + 1) < 0;
  }

  /**
   * What was found: the OS (null fields when unknown), its packages sorted by name then version, the JVM
   * installations no package owns, and warnings about package databases that could not be read (fully).
   */
  public record Result(OsRelease os, List<OsPackage> packages, List<JvmRelease> jvms, List<String> warnings) {
    public Result {
      packages = List.copyOf(packages);
      jvms = jvms == null ? List.of() : List.copyOf(jvms);
      warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public Result(OsRelease os, List<OsPackage> packages) {
      this(os, packages, List.of(), List.of());
    }
  }

  private OsPackages() {}

  private static OsPackage withDebLicenses(OsPackage p, LayerFiles fs) {
    if (!p.type().equals("deb")) {
      return p;
    }
    byte[] names = fs.get(DOC + p.name() + "/copyright");
    if (names == null || names.length == 0) {
      return p;
    }
    return p.withLicenses(List.of(new String(names, StandardCharsets.UTF_8).split("\n")));
  }

  public static Result detect(LayerFiles fs) {
    OsRelease release = null;
    for (String path : OS_RELEASE) {
      byte[] content = fs.get(path);
      if (content != null) {
        release = OsRelease.parse(content);
        break;
      }
    }
    OsIdentity os = new OsIdentity(release);
    List<OsPackage> found = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> ownedByPackages = new HashSet<>();
    byte[] status = fs.get(DPKG_STATUS);
    if (status != null) {
      found.addAll(DpkgStatus.parse(status, DPKG_STATUS, os));
    }
    for (String path : fs.list(DPKG_STATUS_D)) {
      byte[] content = fs.get(path);
      if (content == null) {
        continue;
      }
      // distroless keeps <pkg> and <pkg>.md5sums side by side; only the former is a stanza
      if (path.endsWith(".md5sums")) {
        ownedByPackages.addAll(lines(content));
      } else {
        found.addAll(DpkgStatus.parse(content, path, os));
      }
    }
    for (String path : fs.list(DPKG_INFO)) {
      byte[] content = fs.get(path);
      if (content != null) {
        ownedByPackages.addAll(lines(content));
      }
    }
    for (String path : APK_DBS) {
      byte[] content = fs.get(path);
      if (content != null) {
        found.addAll(ApkInstalled.parse(content, path, os));
        ownedByPackages.addAll(ApkInstalled.files(content, JvmRelease::isRelease));
        break;
      }
    }
    for (String path : RPM_DBS) {
      byte[] content = fs.get(path);
      if (content == null) {
        continue;
      }
      RpmDatabase.Contents rpm;
      try {
        rpm = Json.mapper().readValue(content, RpmDatabase.Contents.class);
      } catch (IOException e) {
        // the layer was read without REDUCE: read the database itself
        rpm = RpmDatabase.read(content, path, JvmRelease::isRelease);
      }
      for (RpmDatabase.Entry e : rpm.packages()) {
        found.add(rpmPackage(e, path, os));
      }
      ownedByPackages.addAll(rpm.ownedPaths());
      if (rpm.problem() != null) {
        warnings.add(rpm.problem());
      }
      break; // one database per image: the first that exists in rpm's search order
    }
    // the same package recorded twice (status and status.d) is one package
    Map<String, OsPackage> unique = new LinkedHashMap<>();
    for (OsPackage p : found) {
      unique.putIfAbsent(p.purl(), withDebLicenses(p, fs));
    }
    List<OsPackage> packages = new ArrayList<>(unique.values());
    packages.sort(Comparator.comparing(OsPackage::name).thenComparing(OsPackage::version)
        .thenComparing(p -> p.architecture() == null ? "" : p.architecture()));
    return new Result(release, packages, jvms(fs, ownedByPackages), warnings);
  }

  private static List<JvmRelease> jvms(LayerFiles fs, Set<String> owned) {
    Set<String> jdkDirs = new HashSet<>();
    List<String> releases = new ArrayList<>();
    for (String path : fs.paths()) {
      if (JvmRelease.isJavac(path)) {
        jdkDirs.add(JvmRelease.installDir(path));
      } else if (JvmRelease.isRelease(path)) {
        releases.add(path);
      }
    }
    List<JvmRelease> out = new ArrayList<>();
    for (String path : releases) {
      if (owned.contains(path)) {
        continue;
      }
      byte[] content = fs.get(path);
      JvmRelease jvm = content == null ? null
          : JvmRelease.parse(path, content, jdkDirs.contains(JvmRelease.installDir(path)));
      if (jvm != null) {
        out.add(jvm);
      }
    }
    return out;
  }

  /** The paths a dpkg file list or md5sums names (md5sums lines are {@code <hash>  <path>}), no leading slash. */
  private static List<String> lines(byte[] reduced) {
    List<String> out = new ArrayList<>();
    for (String line : new String(reduced, StandardCharsets.UTF_8).split("\n")) {
      String l = line.strip();
      int sep = l.indexOf("  ");
      if (sep > 0 && !l.startsWith("/")) {
        l = l.substring(sep + 2).strip();
      }
      if (!l.isEmpty()) {
        out.add(LayerFiles.normalize(l));
      }
    }
    return out;
  }

  private static byte[] jvmReleaseLines(byte[] content) {
    StringBuilder kept = new StringBuilder();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      String l = line.strip();
      int sep = l.indexOf("  ");
      String path = sep > 0 && !l.startsWith("/") ? l.substring(sep + 2).strip() : l;
      if (JvmRelease.isRelease(LayerFiles.normalize(path))) {
        kept.append(l).append('\n');
      }
    }
    return kept.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static OsPackage rpmPackage(RpmDatabase.Entry e, String database, OsIdentity os) {
    String version = e.release() == null || e.release().isEmpty() ? e.version() : e.version() + "-" + e.release();
    String srpm = e.sourceRpm() == null || e.sourceRpm().equals("(none)") || e.sourceRpm().isBlank() ? null
        : e.sourceRpm();
    String srcName = null;
    String srcVersion = null;
    if (srpm != null) {
      // name-version-release.arch.rpm; names may contain '-', versions and releases may not
      String s = srpm.endsWith(".rpm") ? srpm.substring(0, srpm.length() - 4) : srpm;
      int dot = s.lastIndexOf('.');
      s = dot > 0 ? s.substring(0, dot) : s;
      int relDash = s.lastIndexOf('-');
      int verDash = relDash > 0 ? s.lastIndexOf('-', relDash - 1) : -1;
      if (verDash > 0) {
        srcName = s.substring(0, verDash);
        srcVersion = s.substring(verDash + 1);
      }
    }
    String arch = e.arch() == null || e.arch().isBlank() ? null : e.arch();
    return new OsPackage("rpm", os.rpmNamespace(), e.name(), version, e.epoch(), arch, os.distro(),
        e.license() == null || e.license().isBlank() ? List.of() : List.of(e.license().strip()), srcName,
        srcVersion, srpm, e.vendor(), e.url(), e.summary(), database);
  }
}
