package dev.slipway.image.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.PackageURL;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.JDBC;

/**
 * RPM bases: an rpmdb.sqlite made by the real rpm from packages built with rpmbuild is read with SQLite and our own
 * header parser, and must list what {@code rpm -qa} lists for the same database.
 */
class RpmDatabaseTest {
  static final String HELLO = """
      %global debug_package %{nil}
      Name: slipway-hello
      Version: 1.2.3
      Release: 4.amzn2023
      Epoch: 2
      Summary: A tiny noarch package owning a JVM release file
      License: MIT
      BuildArch: noarch
      URL: https://example.invalid/hello
      %description
      Hello.
      %install
      mkdir -p %{buildroot}/usr/lib/jvm/java-17-amazon-corretto
      printf 'IMPLEMENTOR="Amazon.com Inc."\\nJAVA_VERSION="17.0.9"\\nJAVA_RUNTIME_VERSION="17.0.9+8-LTS"\\n' \\
        > %{buildroot}/usr/lib/jvm/java-17-amazon-corretto/release
      %files
      /usr/lib/jvm/java-17-amazon-corretto/release
      """;
  static final String SOURCE_WITH_SUBPACKAGE = """
      %global debug_package %{nil}
      %global __os_install_post %{nil}
      Name: slipway-src
      Version: 3.0
      Release: 7.amzn2023
      Summary: One source package, one differently named binary package
      License: GPL-2.0-or-later AND MIT
      Vendor: Slipway Tests
      %description
      Source.
      %package -n slipway-libs
      Summary: The libraries
      %description -n slipway-libs
      Libs.
      %install
      mkdir -p %{buildroot}/usr/lib/slipway
      echo data > %{buildroot}/usr/lib/slipway/libs.txt
      %files -n slipway-libs
      /usr/lib/slipway/libs.txt
      """;
  static final String PLAIN = """
      %global debug_package %{nil}
      %global __os_install_post %{nil}
      Name: slipway-plain
      Version: 0.9
      Release: 1
      Summary: No epoch, no vendor
      License: Apache-2.0
      %description
      Plain.
      %files
      """;
  static final String AMZN_OS_RELEASE = "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\n"
      + "VERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n";

  @TempDir static Path shared;
  static Path dbDir;
  static byte[] sqlite;
  @TempDir Path tmp;

  @BeforeAll
  static void buildDatabase() throws Exception {
    dbDir = HostRpm.database(shared, List.of(HELLO, SOURCE_WITH_SUBPACKAGE, PLAIN));
    sqlite = Files.readAllBytes(dbDir.resolve("rpmdb.sqlite"));
  }

  @Test
  void everyPackageRpmListsIsReadWithTheSameFields() throws Exception {
    TreeSet<String> truth = HostRpm.queryAll(dbDir);
    assertThat(truth).hasSize(3);
    RpmDatabase.Contents contents = RpmDatabase.read(sqlite, "var/lib/rpm/rpmdb.sqlite", JvmRelease::isRelease);
    assertThat(contents.problem()).isNull();
    TreeSet<String> ours = new TreeSet<>();
    for (RpmDatabase.Entry e : contents.packages()) {
      ours.add(String.join("|", e.name(), e.epoch() == null ? "(none)" : e.epoch().toString(), e.version(),
          e.release(), e.arch(), e.sourceRpm(), e.license(), e.vendor() == null ? "(none)" : e.vendor()));
    }
    assertThat(ours).isEqualTo(truth);
    assertThat(contents.ownedPaths()).containsExactly("usr/lib/jvm/java-17-amazon-corretto/release");
  }

  @Test
  void anAmazonLinuxLayerGivesSyftsPurlsTrivysSourceFieldsAndNoDuplicateJvm() throws Exception {
    String temurin = Files.readString(Path.of(getClass().getResource("/jvm/temurin-21-release").toURI()));
    TestImage.Layer base = new TestImage.Layer()
        .file("usr/lib/os-release", AMZN_OS_RELEASE)
        .symlink("etc/os-release", "../usr/lib/os-release")
        .file("var/lib/rpm/rpmdb.sqlite", sqlite)
        // the rpm-owned JDK (Corretto from Amazon's repository) and a tarball JDK no package owns (Temurin)
        .file("usr/lib/jvm/java-17-amazon-corretto/release", "JAVA_VERSION=\"17.0.9\"\n")
        .file("opt/java/openjdk/release", temurin)
        .file("opt/java/openjdk/bin/javac", "ELF");
    String digest = new TestImage().platform("linux", "amd64", null, base).writeLayout(tmp.resolve("layout"));
    OciLayoutSource source = new OciLayoutSource(tmp.resolve("layout"));
    ResolvedImage image = new ImageReader(source).read(digest);
    OsPackages.Result r = OsPackages.detect(LayerFiles.read(source, image.platforms().get(0),
        new LayerFiles(OsPackages.WANTED, OsPackages.REDUCE), null));

    assertThat(r.warnings()).isEmpty();
    assertThat(r.packages()).extracting(OsPackage::purl).containsExactly(
        "pkg:rpm/amzn/slipway-hello@1.2.3-4.amzn2023?arch=noarch&distro=amzn-2023&epoch=2"
            + "&upstream=slipway-hello-1.2.3-4.amzn2023.src.rpm",
        "pkg:rpm/amzn/slipway-libs@3.0-7.amzn2023?arch=x86_64&distro=amzn-2023"
            + "&upstream=slipway-src-3.0-7.amzn2023.src.rpm",
        "pkg:rpm/amzn/slipway-plain@0.9-1?arch=x86_64&distro=amzn-2023&upstream=slipway-plain-0.9-1.src.rpm");
    assertThat(r.packages()).extracting(OsPackage::trivySource).containsExactly(
        new OsPackage.TrivySource("slipway-hello", "1.2.3", "4.amzn2023", 2),
        new OsPackage.TrivySource("slipway-src", "3.0", "7.amzn2023", 0),
        new OsPackage.TrivySource("slipway-plain", "0.9", "1", 0));
    assertThat(r.packages().get(1).licenses()).containsExactly("GPL-2.0-or-later AND MIT");
    assertThat(r.packages().get(1).supplier()).isEqualTo("Slipway Tests");

    // Syft's expectation for this very release file (its cataloger test): same purl and CPE
    assertThat(r.jvms()).singleElement().satisfies(jvm -> {
      assertThat(new PackageURL(jvm.purl())).isEqualTo(new PackageURL("pkg:generic/oracle/openjdk@21.0.4%2B7-LTS"
          + "?repository_url=https%3A%2F%2Fgithub.com%2Fadoptium%2Fjdk21u.git"));
      assertThat(jvm.cpe()).isEqualTo("cpe:2.3:a:oracle:openjdk:21.0.4:*:*:*:*:*:*:*");
      assertThat(jvm.path()).isEqualTo("opt/java/openjdk/release");
    });
  }

  @Test
  void anUnreadableRpmDatabaseIsAWarningInTheLogAndAnIncompletePlatformInTheSbom() throws Exception {
    byte[] corrupt = sqlite.clone();
    // keep SQLite's header, destroy the pages: SQLite itself must refuse it
    for (int i = 100; i < corrupt.length; i++) {
      corrupt[i] = (byte) (i * 31);
    }
    byte[] berkeley = new byte[4096];
    ByteBuffer.wrap(berkeley).putInt(12, 0x00061561); // a Berkeley DB hash file's magic (UBI 8, Amazon Linux 2)
    String digest = new TestImage()
        .platform("linux", "amd64", null, new TestImage.Layer().file("etc/os-release", AMZN_OS_RELEASE)
            .file("var/lib/rpm/rpmdb.sqlite", corrupt))
        .platform("linux", "arm64", null, new TestImage.Layer().file("etc/os-release", AMZN_OS_RELEASE)
            .file("var/lib/rpm/Packages", berkeley))
        .writeLayout(tmp.resolve("bad"));
    List<String> warnings = new ArrayList<>();
    Log log = new Log() {
      @Override public void debug(String m) {}
      @Override public void info(String m) {}
      @Override public void warn(String m) { warnings.add(m); }
      @Override public void error(String m) {}
    };
    new ImageSbom(new OciLayoutSource(tmp.resolve("bad")), log).generate(new SbomConfig(digest,
        "127.0.0.1:5000/team/rpm", List.of(), null, Instant.EPOCH, EnumSet.of(SbomFormat.CYCLONEDX_JSON),
        tmp.resolve("out"), "rpm", "0.1.0"));

    assertThat(warnings).hasSize(2);
    warnings.sort(null); // the platforms are read in parallel
    assertThat(warnings.get(0)).startsWith("linux/amd64: cannot read the rpm database var/lib/rpm/rpmdb.sqlite");
    assertThat(warnings.get(1)).startsWith("linux/arm64: var/lib/rpm/Packages is a Berkeley DB rpm database");
    byte[] bytes = Files.readAllBytes(tmp.resolve("out/rpm.cdx.json"));
    assertThat(SchemaValidation.cycloneDxJson(bytes)).isEmpty();
    JsonNode bom = Json.mapper().readTree(bytes);
    Map<String, List<String>> warningsByPlatform = new TreeMap<>();
    for (JsonNode p : bom.path("metadata").path("component").path("components")) {
      for (JsonNode prop : p.path("properties")) {
        if (prop.path("name").asText().equals("slipway:warning")) {
          warningsByPlatform.computeIfAbsent(p.path("description").asText(), k -> new ArrayList<>())
              .add(prop.path("value").asText());
        }
      }
    }
    assertThat(warningsByPlatform).containsOnlyKeys("linux/amd64", "linux/arm64");
    assertThat(bom.path("compositions")).hasSize(2);
    for (JsonNode c : bom.path("compositions")) {
      assertThat(c.path("aggregate").asText()).isEqualTo("incomplete");
      assertThat(c.path("assemblies").get(0).asText()).startsWith("pkg:oci/rpm@");
    }
  }

  @Test
  void malformedHeaderBlobsAreRejectedWithTheEntryNamed() throws Exception {
    byte[] blob;
    try (Connection c = new JDBC().connect("jdbc:sqlite:" + dbDir.resolve("rpmdb.sqlite"), new java.util.Properties());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT blob FROM Packages LIMIT 1")) {
      rs.next();
      blob = rs.getBytes(1);
    }
    RpmHeader h = RpmHeader.parse(blob);
    assertThat(h.string(RpmHeader.NAME)).startsWith("slipway-");

    byte[] truncated = java.util.Arrays.copyOf(blob, blob.length - 10);
    assertThatThrownBy(() -> RpmHeader.parse(truncated)).hasMessageContaining("but has " + truncated.length);
    byte[] badOffset = blob.clone();
    ByteBuffer.wrap(badOffset).putInt(8 + 16 + 8, Integer.MAX_VALUE); // second entry's offset
    assertThatThrownBy(() -> RpmHeader.parse(badOffset)).hasMessageContaining("entry 1")
        .hasMessageContaining("outside the");
    byte[] noTerminator = blob.clone();
    int il = ByteBuffer.wrap(blob).getInt(0);
    java.util.Arrays.fill(noTerminator, 8 + 16 * il, noTerminator.length, (byte) 'x');
    assertThatThrownBy(() -> RpmHeader.parse(noTerminator).string(RpmHeader.NAME))
        .hasMessageContaining("not NUL-terminated");
  }
}
