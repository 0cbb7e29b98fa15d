package dev.slipway.image.sbom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Finds the operating system and its packages in an image's merged file system: Debian/Ubuntu dpkg
 * ({@code var/lib/dpkg/status}, {@code var/lib/dpkg/status.d/*}) and Alpine apk ({@code lib/apk/db/installed},
 * {@code usr/lib/apk/db/installed}). RPM databases (Berkeley DB, NDB, SQLite) are not read.
 */
public final class OsPackages {
  static final String DPKG_STATUS = "var/lib/dpkg/status";
  static final String DPKG_STATUS_D = "var/lib/dpkg/status.d";
  static final List<String> APK_DBS = List.of("lib/apk/db/installed", "usr/lib/apk/db/installed");
  static final List<String> OS_RELEASE = List.of("etc/os-release", "usr/lib/os-release");

  static final String DOC = "usr/share/doc/";

  /** The paths {@link LayerFiles} must keep for this detector. */
  public static final Predicate<String> WANTED = path -> path.equals(DPKG_STATUS)
      || (path.startsWith(DPKG_STATUS_D + "/") && path.indexOf('/', DPKG_STATUS_D.length() + 1) < 0)
      || APK_DBS.contains(path) || OS_RELEASE.contains(path) || isCopyright(path);

  /**
   * Copyright files are kept as the license names they state, one per line, not as their text (a Debian base has
   * megabytes of them).
   */
  public static final java.util.function.BiFunction<String, byte[], byte[]> REDUCE = (path, content) ->
      isCopyright(path)
          ? String.join("\n", DebCopyright.licenses(content)).getBytes(java.nio.charset.StandardCharsets.UTF_8)
          : content;

  static boolean isCopyright(String path) {
    return path.startsWith(DOC) && path.endsWith("/copyright")
        && path.indexOf('/', DOC.length()) == path.length() - "/copyright".length();
  }

  /** What was found: the OS (null fields when unknown) and its packages, sorted by name then version. */
  public record Result(OsRelease os, List<OsPackage> packages) {}

  private OsPackages() {}

  private static OsPackage withDebLicenses(OsPackage p, LayerFiles fs) {
    if (!p.type().equals("deb")) {
      return p;
    }
    byte[] names = fs.get(DOC + p.name() + "/copyright");
    if (names == null || names.length == 0) {
      return p;
    }
    List<String> licenses = List.of(new String(names, java.nio.charset.StandardCharsets.UTF_8).split("\n"));
    return new OsPackage(p.type(), p.namespace(), p.name(), p.version(), p.architecture(), p.distro(), licenses,
        p.source(), p.supplier(), p.homepage(), p.description(), p.database());
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
    byte[] status = fs.get(DPKG_STATUS);
    if (status != null) {
      found.addAll(DpkgStatus.parse(status, DPKG_STATUS, os));
    }
    for (String path : fs.list(DPKG_STATUS_D)) {
      // distroless keeps <pkg> and <pkg>.md5sums side by side; only the former is a stanza
      if (!path.endsWith(".md5sums")) {
        byte[] content = fs.get(path);
        if (content != null) {
          found.addAll(DpkgStatus.parse(content, path, os));
        }
      }
    }
    for (String path : APK_DBS) {
      byte[] content = fs.get(path);
      if (content != null) {
        found.addAll(ApkInstalled.parse(content, path, os));
        break;
      }
    }
    // the same package recorded twice (status and status.d) is one package
    Map<String, OsPackage> unique = new LinkedHashMap<>();
    for (OsPackage p : found) {
      unique.putIfAbsent(p.purl(), withDebLicenses(p, fs));
    }
    List<OsPackage> packages = new ArrayList<>(unique.values());
    packages.sort(Comparator.comparing(OsPackage::name).thenComparing(OsPackage::version)
        .thenComparing(p -> p.architecture() == null ? "" : p.architecture()));
    return new Result(release, packages);
  }
}
