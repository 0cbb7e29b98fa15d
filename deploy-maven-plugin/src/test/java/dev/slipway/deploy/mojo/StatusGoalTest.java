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

/** deploy:status's own parameters as Maven binds them, in-process (the shared ones: {@link EcsGoalTest}). */
@MojoGoalTest
class StatusGoalTest {
  static final String POM = EcsGoalTest.POM + EcsGoalTest.STAGING;
  static final String END = EcsGoalTest.END;

  @Inject TestBuild build;

  @Test
  @InjectMojo(goal = "status", pom = POM + END)
  void defaults(StatusMojo mojo) {
    assertThat(mojo.events).isEqualTo(10);
    assertThat(mojo.skip).isFalse();
  }

  @Test
  @InjectMojo(goal = "status", pom = POM + END)
  @UserProperty(name = "deploy.events", value = "25")
  void eventsByProperty(StatusMojo mojo) {
    assertThat(mojo.events).isEqualTo(25);
  }

  @Test
  @InjectMojo(goal = "status", pom = POM + "<strategy>RED_BLACK</strategy>" + END)
  @UserProperty(name = "deploy.skip")
  void skipDoesNothingNotEvenCheckTheConfiguration(StatusMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] deploy:status skipped (deploy.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "status", pom = POM + "<desiredCount>-1</desiredCount>" + END)
  void badEnvironmentConfigurationFailsBeforeAws(StatusMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("<environment> 'staging' <desiredCount>: -1 must be 0 or more");
  }

  @Test
  @InjectMojo(goal = "status", pom = POM + END)
  @UserProperty(name = "deploy.events", value = "-1")
  @UserProperty(name = "deploy.endpoint", value = "http://127.0.0.1:9")
  @UserProperty(name = "deploy.region", value = "eu-west-1")
  void negativeEventsAreRefusedBeforeAws(StatusMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("deploy.events = -1 is not accepted; expected a whole number >= 0 (0 prints no events)");
  }
}
