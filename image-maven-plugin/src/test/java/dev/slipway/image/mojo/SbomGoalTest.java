package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.image.BuiltImage;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.io.File;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * image:sbom's parameters as Maven binds them, skip, and the errors of bad configuration or a missing hand-over, all
 * in-process; SBOMs themselves are tested in {@code dev.slipway.image.sbom} and end to end in {@code it/e2e}.
 */
@MojoGoalTest
class SbomGoalTest {
  static final String DIGEST = "sha256:" + "b".repeat(64);

  @Inject TestBuild build;

  /** An image.json whose image was neither pushed nor left as a layout. */
  static void goneImage(TestBuild build) throws Exception {
    new BuiltImage(1, "app@" + DIGEST, "app", List.of("1.0.0"), DIGEST, null, List.of(),
        build.path("target/slipway/image").toString(), false, null, null)
        .write(build.path("target/slipway/image.json"));
  }

  @Test
  @InjectMojo(goal = "sbom")
  void defaults(SbomMojo mojo) {
    assertThat(mojo.formats).isEqualTo("cyclonedx");
    assertThat(mojo.imageJson).as("then ${image.workDir}/image.json").isNull();
    assertThat(mojo.outputDirectory).as("then ${image.workDir}/sbom").isNull();
    assertThat(mojo.workDir).isEqualTo(build.path("target/slipway").toFile());
    assertThat(mojo.attach).isTrue();
    assertThat(mojo.attachToImage).isTrue();
    assertThat(mojo.layerCache).isTrue();
    assertThat(mojo.layerCacheDirectory)
        .isEqualTo(new File(System.getProperty("user.home"), ".cache/slipway/sbom-layers"));
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.plugin.getArtifactId()).isEqualTo("image-maven-plugin");
  }

  @Test
  @InjectMojo(goal = "sbom")
  @UserProperty(name = "image.sbom.formats", value = "cyclonedx-xml,spdx")
  @UserProperty(name = "image.imageJson", value = "handover/image.json")
  @UserProperty(name = "image.sbom.outputDirectory", value = "boms")
  @UserProperty(name = "image.sbom.attach", value = "false")
  @UserProperty(name = "image.sbom.attachToImage", value = "false")
  @UserProperty(name = "image.sbom.layerCache", value = "false")
  @UserProperty(name = "image.sbom.layerCacheDirectory", value = "cache")
  @UserProperty(name = "image.insecureRegistries", value = "127.0.0.1:5000,127.0.0.1:5001")
  void everyPropertyBinds(SbomMojo mojo) {
    assertThat(mojo.formats).isEqualTo("cyclonedx-xml,spdx");
    assertThat(mojo.imageJson).isEqualTo(build.path("handover/image.json").toFile());
    assertThat(mojo.outputDirectory).isEqualTo(build.path("boms").toFile());
    assertThat(mojo.attach).isFalse();
    assertThat(mojo.attachToImage).isFalse();
    assertThat(mojo.layerCache).isFalse();
    assertThat(mojo.layerCacheDirectory).isEqualTo(build.path("cache").toFile());
    assertThat(mojo.insecureRegistries()).containsExactly("127.0.0.1:5000", "127.0.0.1:5001");
  }

  @Test
  @InjectMojo(goal = "sbom")
  @UserProperty(name = "image.sbom.skip")
  @UserProperty(name = "image.sbom.formats", value = "swid")
  void skipDoesNothingNotEvenCheckTheConfiguration(SbomMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:sbom skipped");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "sbom")
  @UserProperty(name = "image.skip")
  @UserProperty(name = "image.sbom.formats", value = "swid")
  void imageSkipSkipsItToo(SbomMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:sbom skipped");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "sbom")
  @UserProperty(name = "image.sbom.formats", value = "cyclonedx,swid")
  void anUnknownFormatListsTheFormats(SbomMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("image.sbom.formats = 'cyclonedx,swid': unknown format 'swid'")
        .hasMessageContaining("cyclonedx (= cyclonedx-json), cyclonedx-json, cyclonedx-xml");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "sbom")
  @UserProperty(name = "image.sbom.formats", value = " ")
  void noFormatAtAll(SbomMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("image.sbom.formats is empty: expected a comma-separated list of cyclonedx");
  }

  @Test
  @InjectMojo(goal = "sbom")
  void withoutImageJsonItSaysWhichFileAndWhatWritesIt(SbomMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage(build.path("target/slipway/image.json") + ": file not found (expected an image.json written by "
            + "image:build)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "sbom")
  void anImageThatIsGoneSaysToBuildAgain(SbomMojo mojo) throws Exception {
    goneImage(build);
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("the image in image.json was neither pushed nor is its OCI layout at '"
            + build.path("target/slipway/image") + "' still there: run image:build again in the same build");
    assertThat(build.path("target/slipway/sbom")).doesNotExist();
  }
}
