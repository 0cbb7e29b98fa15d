package dev.slipway.deploy.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/** deploy:rollback's own parameters as Maven binds them, in-process (the shared ones: {@link EcsGoalTest}). */
@MojoGoalTest
class RollbackGoalTest {
  static final String POM = EcsGoalTest.POM + EcsGoalTest.STAGING;
  static final String END = EcsGoalTest.END;

  @Inject TestBuild build;

  @Test
  @InjectMojo(goal = "rollback", pom = POM + END)
  void defaults(RollbackMojo mojo) {
    assertThat(mojo.toRevision).as("the snapshot in last.json").isNull();
    assertThat(mojo.confirm).isNull();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.maxAttempts).isEqualTo(8);
    assertThat(mojo.journalDirectory).isEqualTo(build.path("target/slipway/deploy").toFile());
    assertThat(mojo.environments).hasSize(1);
  }

  @Test
  @InjectMojo(goal = "rollback", pom = POM + END)
  @UserProperty(name = "deploy.toRevision", value = "web:5")
  @UserProperty(name = "deploy.confirm", value = "staging")
  @UserProperty(name = "deploy.journalDirectory", value = "journals")
  void propertiesBind(RollbackMojo mojo) {
    assertThat(mojo.toRevision).isEqualTo("web:5");
    assertThat(mojo.confirm).isEqualTo("staging");
    assertThat(mojo.journalDirectory).isEqualTo(build.path("journals").toFile());
  }

  @Test
  @InjectMojo(goal = "rollback", pom = POM + "<strategy>RED_BLACK</strategy>" + END)
  @UserProperty(name = "deploy.skip")
  void skipDoesNothingNotEvenCheckTheConfiguration(RollbackMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] deploy:rollback skipped (deploy.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "rollback", pom = POM + "<pollInterval>often</pollInterval>" + END)
  void badEnvironmentConfigurationFailsBeforeAws(RollbackMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("<environment> 'staging' <pollInterval>: 'often' is not a duration");
  }

  @Test
  @InjectMojo(goal = "rollback", pom = POM + END)
  @UserProperty(name = "deploy.maxAttempts", value = "0")
  @UserProperty(name = "deploy.endpoint", value = "http://127.0.0.1:9")
  @UserProperty(name = "deploy.region", value = "eu-west-1")
  void noAttemptsAtAllAreRefusedBeforeAws(RollbackMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("deploy.maxAttempts = 0 is not accepted; expected a whole number >= 1 (attempts including the "
            + "first; 1 = no retries)");
    assertThat(build.written()).isEmpty();
  }
}
