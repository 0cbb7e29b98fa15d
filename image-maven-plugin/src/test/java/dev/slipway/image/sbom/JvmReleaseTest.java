package dev.slipway.image.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.packageurl.PackageURL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmReleaseTest {
  @TempDir Path tmp;

  static byte[] fixture(String name) throws Exception {
    return Files.readAllBytes(Path.of(JvmReleaseTest.class.getResource("/jvm/" + name).toURI()));
  }

  @Test
  void syftsOracleFixtureGivesTheJavaSeCpeWithTheUpdate() throws Exception {
    JvmRelease jvm = JvmRelease.parse("usr/lib/jvm/jdk-1.8-oracle-x64/release", fixture("oracle-jdk-8-release"),
        true);
    assertThat(jvm.vendor()).isEqualTo("oracle");
    assertThat(jvm.product()).isEqualTo("jdk");
    assertThat(jvm.version()).isEqualTo("1.8.0_411-b25");
    assertThat(jvm.cpe()).isEqualTo("cpe:2.3:a:oracle:java_se:1.8.0:update411:*:*:*:*:*:*");
    assertThat(new PackageURL(jvm.purl())).isEqualTo(new PackageURL("pkg:generic/oracle/jdk@1.8.0_411-b25"));
  }

  @Test
  void onlyJvmReleaseFilesAreWantedAndAFileCalledReleaseWithoutJavaVersionIsNoJvm() {
    assertThat(JvmRelease.isRelease("opt/java/openjdk/release")).isTrue();
    assertThat(JvmRelease.isRelease("usr/lib/jvm/java-17-amazon-corretto/release")).isTrue();
    assertThat(JvmRelease.isRelease("etc/release")).isFalse();
    assertThat(JvmRelease.isRelease("usr/lib/jvm/java-17/lib/release")).isFalse();
    assertThat(JvmRelease.parse("opt/java/x/release", "NAME=foo\n".getBytes(), false)).isNull();
  }

  @Test
  void aDebianJreOwnedByItsPackageIsNotCataloguedTwice() throws Exception {
    String status = "Package: openjdk-17-jre-headless\nStatus: install ok installed\nArchitecture: amd64\n"
        + "Source: openjdk-17\nVersion: 17.0.13+11-2~deb12u1\n";
    TestImage.Layer layer = new TestImage.Layer()
        .file("etc/os-release", "ID=debian\nVERSION_ID=12\n")
        .file("var/lib/dpkg/status", status)
        .file("var/lib/dpkg/info/openjdk-17-jre-headless:amd64.list",
            "/.\n/usr\n/usr/lib/jvm/java-17-openjdk-amd64/bin/java\n/usr/lib/jvm/java-17-openjdk-amd64/release\n")
        .file("usr/lib/jvm/java-17-openjdk-amd64/release", "JAVA_VERSION=\"17.0.13\"\n")
        .file("opt/java/openjdk/release", fixture("temurin-21-release"));
    String digest = new TestImage().platform("linux", "amd64", null, layer).writeLayout(tmp.resolve("l"));
    OciLayoutSource source = new OciLayoutSource(tmp.resolve("l"));
    ResolvedImage image = new ImageReader(source).read(digest);
    LayerFiles fs = LayerFiles.read(source, image.platforms().get(0),
        new LayerFiles(OsPackages.WANTED, OsPackages.REDUCE), null);
    OsPackages.Result r = OsPackages.detect(fs);
    assertThat(r.jvms()).extracting(JvmRelease::path).containsExactly("opt/java/openjdk/release");
    // the file list was reduced to the line that matters while the layer streamed by
    assertThat(new String(fs.get("var/lib/dpkg/info/openjdk-17-jre-headless:amd64.list")))
        .isEqualTo("/usr/lib/jvm/java-17-openjdk-amd64/release\n");
    // no javac in the Temurin directory: IMAGE_TYPE decides, and the fixture says JDK
    assertThat(r.jvms().get(0).product()).isEqualTo("openjdk");
  }
}
