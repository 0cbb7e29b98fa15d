package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * image:check's parameters as Maven binds them, skip, and the error of each kind of bad policy value, in-process;
 * the rules are tested in {@code dev.slipway.image.check} and on real images in {@code it/e2e}. Bad values are
 * checked against an image.json whose image is gone, so a check that stopped working fails the test with "run
 * image:build again" instead of passing.
 */
@MojoGoalTest
class CheckGoalTest {
  @Inject TestBuild build;

  private void fails(CheckMojo mojo, String message) throws Exception {
    SbomGoalTest.goneImage(build);
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
    assertThat(build.path("target/slipway/check.json")).doesNotExist();
  }

  @Test
  @InjectMojo(goal = "check")
  void defaults(CheckMojo mojo) {
    assertThat(mojo.maxSize).isEqualTo("150MB");
    assertThat(mojo.requiredLabels)
        .containsExactly("org.opencontainers.image.title", "org.opencontainers.image.version");
    assertThat(mojo.platforms).isEqualTo("linux/amd64,linux/arm64");
    assertThat(mojo.ports).isNullOrEmpty();
    assertThat(mojo.severities).isNull();
    assertThat(mojo.report).as("then ${image.workDir}/check.json").isNull();
    assertThat(mojo.imageJson).as("then ${image.workDir}/image.json").isNull();
    assertThat(mojo.skip).isFalse();
  }

  @Test
  @InjectMojo(goal = "check")
  @UserProperty(name = "image.check.maxSize", value = "1.2GB")
  @UserProperty(name = "image.check.requiredLabels", value = "team,org.opencontainers.image.source")
  @UserProperty(name = "image.platforms", value = "linux/amd64")
  @UserProperty(name = "image.ports", value = "8080,9090")
  @UserProperty(name = "image.check.severities", value = "basePinned=error,ports=off")
  @UserProperty(name = "image.check.report", value = "reports/check.json")
  @UserProperty(name = "image.imageJson", value = "handover/image.json")
  void everyPropertyBinds(CheckMojo mojo) {
    assertThat(mojo.maxSize).isEqualTo("1.2GB");
    assertThat(mojo.requiredLabels).containsExactly("team", "org.opencontainers.image.source");
    assertThat(mojo.platforms).isEqualTo("linux/amd64");
    assertThat(mojo.ports).containsExactly("8080", "9090");
    assertThat(mojo.severities).isEqualTo("basePinned=error,ports=off");
    assertThat(mojo.report).isEqualTo(build.path("reports/check.json").toFile());
    assertThat(mojo.imageJson).isEqualTo(build.path("handover/image.json").toFile());
  }

  @Test
  @InjectMojo(goal = "check")
  @UserProperty(name = "image.check.maxSize", value = "1.2GB")
  @MojoParameter(name = "maxSize", value = "80MB")
  void thePomBeatsTheProperty(CheckMojo mojo) {
    assertThat(mojo.maxSize).isEqualTo("80MB");
  }

  @Test
  @InjectMojo(goal = "check")
  @UserProperty(name = "image.check.skip")
  @UserProperty(name = "image.check.maxSize", value = "huge")
  void skipDoesNothingNotEvenCheckTheConfiguration(CheckMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:check skipped");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "check")
  @UserProperty(name = "image.check.maxSize", value = "huge")
  void aSizeThatIsNoSize(CheckMojo mojo) throws Exception {
    fails(mojo, "image.check.maxSize = 'huge': expected a size such as 150MB, 1.5GB");
  }

  @Test
  @InjectMojo(goal = "check")
  @UserProperty(name = "image.check.severities", value = "nonRoot=maybe")
  void anUnknownSeverityListsTheSeverities(CheckMojo mojo) throws Exception {
    fails(mojo, "image.check.severities: severity 'maybe' is not one of error, warn, off");
  }

  @Test
  @InjectMojo(goal = "check")
  @UserProperty(name = "image.check.severities", value = "tiny=error")
  void anUnknownRuleListsTheRules(CheckMojo mojo) throws Exception {
    fails(mojo, "image.check.severities: unknown rule 'tiny'; rules: ");
  }

  @Test
  @InjectMojo(goal = "check")
  @UserProperty(name = "image.check.severities", value = "nonRoot")
  void aSeverityWithoutRule(CheckMojo mojo) throws Exception {
    fails(mojo, "image.check.severities: 'nonRoot' is not rule=severity");
  }

  @Test
  @InjectMojo(goal = "check")
  void withoutImageJsonItSaysWhichFileAndWhatWritesIt(CheckMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage(build.path("target/slipway/image.json") + ": file not found (expected an image.json written by "
            + "image:build)");
  }

  @Test
  @InjectMojo(goal = "check")
  void anImageThatIsGoneSaysToBuildAgain(CheckMojo mojo) throws Exception {
    fails(mojo, "neither pushed nor is its OCI layout at '" + build.path("target/slipway/image")
        + "' still there: run image:build again");
  }
}
