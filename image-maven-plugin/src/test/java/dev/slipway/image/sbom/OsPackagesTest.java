package dev.slipway.image.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.packageurl.PackageURL;
import dev.slipway.testkit.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsPackagesTest {
  @TempDir Path tmp;

  static final String ALPINE_INSTALLED = """
      C:Q1Xc3FbY6pAzZ8yLmm9c3UNlNS1vQ=
      P:musl
      V:1.2.4_git20230717-r4
      A:x86_64
      S:407278
      I:663552
      T:the musl c library (libc) implementation
      U:https://musl.libc.org/
      L:MIT
      o:musl
      m:Timo Teräs <timo.teras@iki.fi>
      t:1705422366
      c:a5f3f4c0b1b3e6d0e1b0f9f6e4c3b2a1d0e9f8a7
      p:so:libc.musl-x86_64.so.1=1
      F:lib
      R:ld-musl-x86_64.so.1
      a:0:0:755
      Z:Q1nIJfHdr3CpIuBYRe2ar5d3GHZPk=

      C:Q1Y3VpRn6j0A3zq5mb2Q8gnC0x2ZQ=
      P:busybox
      V:1.36.1-r15
      A:x86_64
      S:509831
      I:926984
      T:Size optimized toolbox of many common UNIX utilities
      U:https://busybox.net/
      L:GPL-2.0-only
      o:busybox
      m:Sören Tempel <soeren+alpine@soeren-tempel.net>
      D:so:libc.musl-x86_64.so.1
      F:bin
      R:busybox

      C:Q1zGs8UQ3R4g6r7tjBpjCqG1FAhvY=
      P:ca-certificates-bundle
      V:20240226-r0
      A:x86_64
      T:Pre generated bundle of Mozilla certificates
      U:https://www.mozilla.org/en-US/about/governance/policies/security-group/certs/
      L:MPL-2.0 AND MIT
      o:ca-certificates
      """;

  @Test
  void dpkgComponentsEqualWhatDpkgQueryReportsForTheSameDatabase() throws Exception {
    Tools.require("dpkg-query", "dpkg");
    List<String> slice = new ArrayList<>(HostDpkg.slice(20));
    // history, not content: dpkg-query shows it as config-files; neither side may count it as installed
    String removed = slice.get(3).replaceFirst("(?m)^Status: .*$", "Status: deinstall ok config-files");
    slice.set(3, removed);
    List<String> rest = HostDpkg.stanzas().stream().filter(s -> !slice.contains(s)).toList();
    String distrolessA = rest.get(rest.size() / 2);
    String distrolessB = rest.get(rest.size() / 3);
    String osRelease = Files.readString(Path.of("/etc/os-release"));

    List<String> upper = new ArrayList<>(slice);
    upper.remove(7); // apt-get remove in a later layer rewrites the status file
    upper.remove(11);

    TestImage.Layer base = new TestImage.Layer()
        .file("usr/lib/os-release", osRelease)
        .symlink("etc/os-release", "../usr/lib/os-release")
        .file("var/lib/dpkg/status", HostDpkg.join(slice))
        .file("var/lib/dpkg/status.d/a", distrolessA + "\n")
        .file("var/lib/dpkg/status.d/a.md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/share/doc/a/copyright\n")
        .file("var/lib/dpkg/status.d/b", distrolessB + "\n");
    TestImage.Layer app = new TestImage.Layer()
        .file("./var/lib/dpkg/status", HostDpkg.join(upper))
        .whiteout("var/lib/dpkg/status.d/b")
        .file("app/app.jar", "not really a jar");
    String digest = new TestImage().platform("linux", "amd64", null, base, app).writeLayout(tmp.resolve("layout"));

    OciLayoutSource source = new OciLayoutSource(tmp.resolve("layout"));
    ResolvedImage image = new ImageReader(source).read(digest);
    LayerFiles fs = LayerFiles.read(source, image.platforms().get(0), OsPackages.WANTED);
    OsPackages.Result result = OsPackages.detect(fs);

    TreeSet<String> ours = result.packages().stream()
        .map(p -> p.name() + " " + p.version() + " " + p.architecture())
        .collect(Collectors.toCollection(TreeSet::new));
    TreeSet<String> truth = HostDpkg.dpkgQueryInstalled(HostDpkg.join(upper) + "\n" + distrolessA + "\n", tmp);
    assertThat(truth).hasSizeGreaterThanOrEqualTo(17);
    assertThat(ours).isEqualTo(truth);

    OsRelease host = OsRelease.parse(osRelease.getBytes());
    assertThat(result.os().id()).isEqualTo(host.id());
    assertThat(result.packages()).allSatisfy(p -> {
      PackageURL purl = new PackageURL(p.purl());
      assertThat(p.purl()).startsWith("pkg:deb/" + host.id() + "/" + p.name() + "@");
      assertThat(purl.getQualifiers()).containsEntry("arch", p.architecture())
          .containsEntry("distro", host.id() + "-" + host.versionId());
    });
  }

  /**
   * Every package whose source package differs (by name or version) carries Syft's {@code upstream} qualifier and
   * Trivy's source fields, and every other package carries none, as dpkg-query itself derives the source from the
   * same database: the host's whole dpkg status file.
   */
  @Test
  void upstreamQualifierAndTrivySourceAgreeWithDpkgQueryOnTheHostDatabase() throws Exception {
    Tools.require("dpkg-query", "dpkg");
    byte[] status = Files.readAllBytes(HostDpkg.STATUS);
    OsIdentity os = new OsIdentity(OsRelease.parse(Files.readAllBytes(Path.of("/etc/os-release"))));
    List<OsPackage> ours = DpkgStatus.parse(status, HostDpkg.STATUS.toString(), os);
    Path admin = Files.createDirectories(tmp.resolve("admin"));
    Files.write(admin.resolve("status"), status);
    java.util.Map<String, HostDpkg.Source> truth = HostDpkg.dpkgQuerySources(admin);
    assertThat(ours).hasSameSizeAs(truth.values());
    int differing = 0;
    for (OsPackage p : ours) {
      HostDpkg.Source t = truth.get(p.name() + " " + p.architecture());
      assertThat(t).as(p.name()).isNotNull();
      String upstream = new PackageURL(p.purl()).getQualifiers() == null ? null
          : new PackageURL(p.purl()).getQualifiers().get("upstream");
      boolean nameDiffers = !t.sourceName().equals(p.name());
      boolean versionDiffers = !t.sourceVersion().equals(p.version());
      if (nameDiffers || versionDiffers) {
        differing++;
        assertThat(upstream).as(p.name()).isEqualTo(
            versionDiffers ? t.sourceName() + "@" + t.sourceVersion() : t.sourceName());
      } else {
        assertThat(upstream).as(p.name()).isNull();
      }
      OsPackage.TrivySource src = p.trivySource();
      assertThat(src.name()).as(p.name()).isEqualTo(t.sourceName());
      String epoch = src.epoch() == 0 ? "" : src.epoch() + ":";
      assertThat(epoch + src.version() + (src.release().isEmpty() ? "" : "-" + src.release()))
          .as(p.name()).isEqualTo(t.sourceVersion());
    }
    // Debian 12: libc6/glibc, libssl3/openssl, zlib1g/zlib, ... most binary packages are built from another source
    assertThat(differing).isGreaterThan(truth.size() / 3);
  }

  @Test
  void apkInstalledWrittenToTheFormatDocsWithAnOpaqueDirectoryAbove() throws Exception {
    String older = ALPINE_INSTALLED + "\nP:apk-tools\nV:2.14.0-r5\nA:x86_64\nL:GPL-2.0-only\n";
    TestImage.Layer base = new TestImage.Layer()
        .file("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n"
            + "PRETTY_NAME=\"Alpine Linux v3.19\"\n")
        .file("lib/apk/db/installed", older)
        .file("lib/apk/db/triggers", "");
    TestImage.Layer upper = new TestImage.Layer()
        .opaque("lib/apk/db")
        .file("lib/apk/db/installed", ALPINE_INSTALLED);
    String digest = new TestImage().platform("linux", "amd64", null, base, upper).writeLayout(tmp.resolve("alp"));
    OciLayoutSource source = new OciLayoutSource(tmp.resolve("alp"));
    ResolvedImage image = new ImageReader(source).read(digest);
    OsPackages.Result result =
        OsPackages.detect(LayerFiles.read(source, image.platforms().get(0), OsPackages.WANTED));

    // Syft's form: distro=alpine-<VERSION_ID>, the origin as upstream where it is not the package itself
    assertThat(result.packages()).extracting(OsPackage::purl).containsExactly(
        "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1",
        "pkg:apk/alpine/ca-certificates-bundle@20240226-r0?arch=x86_64&distro=alpine-3.19.1&upstream=ca-certificates",
        "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1");
    assertThat(result.packages().get(1).trivySource())
        .isEqualTo(new OsPackage.TrivySource("ca-certificates", "20240226-r0", "", 0));
    assertThat(result.packages().get(1).licenses()).containsExactly("MPL-2.0 AND MIT");
    assertThat(result.packages().get(1).source()).isEqualTo("ca-certificates");
  }

  @Test
  void debLicensesComeFromCopyrightFilesDep5OrFreeForm() throws Exception {
    String status = "Package: curl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.88.1-10\n\n"
        + "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n\n"
        + "Package: gone\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n";
    String dep5 = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: curl

        Files: *
        Copyright: 1996-2023, Daniel Stenberg
        License: curl

        Files: debian/*
        Copyright: 2014 Alessandro Ghedini
        License: Expat
         Permission is hereby granted, free of charge, ...

        Files: lib/x.c
        License: GPL-2+
        """;
    String freeForm = "This is the Debian prepackaged version of the GNU C Library.\n"
        + "On Debian systems, the complete text of the GNU Library General Public License can be found in "
        + "`/usr/share/common-licenses/LGPL-2.1'.\nSee /usr/share/common-licenses/GPL-2.\n";
    TestImage.Layer base = new TestImage.Layer()
        .file("etc/os-release", "ID=debian\nVERSION_ID=12\n")
        .file("var/lib/dpkg/status", status)
        .file("usr/share/doc/curl/copyright", dep5)
        .file("usr/share/doc/libc6/copyright", freeForm)
        .file("usr/share/doc/gone/copyright", "Format: x\nLicense: MIT\n")
        .file("usr/share/doc/curl/changelog.gz", "not a copyright file");
    TestImage.Layer upper = new TestImage.Layer().whiteout("usr/share/doc/gone");
    String digest = new TestImage().platform("linux", "amd64", null, base, upper).writeLayout(tmp.resolve("deb"));
    OciLayoutSource source = new OciLayoutSource(tmp.resolve("deb"));
    ResolvedImage image = new ImageReader(source).read(digest);
    OsPackages.Result result = OsPackages.detect(LayerFiles.read(source, image.platforms().get(0),
        new LayerFiles(OsPackages.WANTED, OsPackages.REDUCE), null));
    assertThat(result.packages()).extracting(OsPackage::name, OsPackage::licenses).containsExactly(
        org.assertj.core.api.Assertions.tuple("curl", List.of("curl", "Expat", "GPL-2+")),
        org.assertj.core.api.Assertions.tuple("gone", List.of()),
        org.assertj.core.api.Assertions.tuple("libc6", List.of("LGPL-2.1", "GPL-2")));
    assertThat(DebCopyright.spdxId("GPL-2+")).isEqualTo("GPL-2.0-or-later");
    assertThat(DebCopyright.spdxId("Expat")).isEqualTo("MIT");
    assertThat(DebCopyright.spdxId("curl")).isNull();
  }

  @Test
  void hostCopyrightFilesGiveTheLicensesTheyDeclare() throws Exception {
    // real machine-readable copyright files of this machine, read back through image layers
    List<String> stanzas = HostDpkg.slice(40);
    TestImage.Layer layer = new TestImage.Layer().file("etc/os-release", "ID=debian\nVERSION_ID=12\n")
        .file("var/lib/dpkg/status", HostDpkg.join(stanzas));
    java.util.Map<String, java.util.Set<String>> expected = new java.util.TreeMap<>();
    for (String stanza : stanzas) {
      String name = stanza.lines().filter(l -> l.startsWith("Package: ")).findFirst().orElseThrow().substring(9);
      Path copyright = Path.of("/usr/share/doc", name, "copyright");
      if (Files.isRegularFile(copyright) && !Files.isSymbolicLink(copyright.getParent())) {
        String text = Files.readString(copyright, java.nio.charset.StandardCharsets.UTF_8);
        layer.file("usr/share/doc/" + name + "/copyright", text);
        if (text.startsWith("Format:")) {
          java.util.Set<String> names = new java.util.TreeSet<>();
          for (String line : text.split("\n")) {
            if (line.startsWith("License:") && !line.substring(8).isBlank()) {
              names.add(line.substring(8).strip());
            }
          }
          expected.put(name, names);
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(!expected.isEmpty(), "no machine-readable copyright file here");
    String digest = new TestImage().platform("linux", "amd64", null, layer).writeLayout(tmp.resolve("host"));
    OciLayoutSource source = new OciLayoutSource(tmp.resolve("host"));
    ResolvedImage image = new ImageReader(source).read(digest);
    OsPackages.Result result = OsPackages.detect(LayerFiles.read(source, image.platforms().get(0),
        new LayerFiles(OsPackages.WANTED, OsPackages.REDUCE), null));
    for (OsPackage p : result.packages()) {
      if (expected.containsKey(p.name())) {
        assertThat(new java.util.TreeSet<>(p.licenses())).as(p.name()).isEqualTo(expected.get(p.name()));
      }
    }
  }

  @Test
  void debPurlEncodesPlusAndEpochAndNamesTheSourceAsSyftDoes() throws Exception {
    OsIdentity os = new OsIdentity(new OsRelease("debian", "12", null));
    List<OsPackage> p = DpkgStatus.parse(("Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\n"
        + "Package: libfoo\nVersion: 1:2.3-1\nArchitecture: amd64\nStatus: install ok installed\n\n"
        + "Package: libc6\nVersion: 2.36-9+deb12u7\nArchitecture: amd64\nSource: glibc\n\n"
        + "Package: libgcc-s1\nVersion: 12.2.0-14\nArchitecture: amd64\nSource: gcc-12 (12.2.0-14)\n\n"
        + "Package: libbar1\nVersion: 1:1.0-2+b1\nArchitecture: amd64\nSource: libbar (1:1.0-2)\n").getBytes(),
        "var/lib/dpkg/status.d/base", os);
    assertThat(p).extracting(OsPackage::purl).containsExactly(
        "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
        "pkg:deb/debian/libfoo@1%3A2.3-1?arch=amd64&distro=debian-12",
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc",
        "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14",
        "pkg:deb/debian/libbar1@1%3A1.0-2%2Bb1?arch=amd64&distro=debian-12&upstream=libbar%401%3A1.0-2");
    // the qualifier as Syft's own test expects it (pkg:deb/debian/p@v?distro=debian-11&upstream=s%402.3)
    assertThat(new PackageURL(p.get(3).purl()).getQualifiers()).containsEntry("upstream", "gcc-12@12.2.0-14");
    // Trivy's split: [epoch:]version[-release] of the source package, the binary's name/version when no Source
    assertThat(p).extracting(OsPackage::trivySource).containsExactly(
        new OsPackage.TrivySource("base-files", "12.4+deb12u5", "", 0),
        new OsPackage.TrivySource("libfoo", "2.3", "1", 1),
        new OsPackage.TrivySource("glibc", "2.36", "9+deb12u7", 0),
        new OsPackage.TrivySource("gcc-12", "12.2.0", "14", 0),
        new OsPackage.TrivySource("libbar", "1.0", "2", 1));
  }
}
