package dev.slipway.deploy.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * deploy:guard in-process: which goals on the command line it guards, the environment it accepts or refuses (with
 * the choices named), and skip. It talks to nothing, so neither do these tests. How the environment is chosen from
 * -D, profiles and the POM is {@code EnvironmentChoiceTest}'s.
 */
@MojoGoalTest
class GuardGoalTest {
  static final String POM = EcsGoalTest.POM;
  static final String END = EcsGoalTest.END;
  static final String TWO = EcsGoalTest.STAGING + "</environment><environment><name>production</name>"
      + "<cluster>shop-prod</cluster><service>web</service>";

  @Inject TestBuild build;

  private void goals(String... goals) {
    build.session().getRequest().setGoals(List.of(goals));
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + EcsGoalTest.STAGING + END)
  void defaults(GuardMojo mojo) {
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.env).isNull();
    assertThat(mojo.environments).hasSize(1);
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + TWO + END)
  void aBuildWithoutDeployGoalIsLeftAlone(GuardMojo mojo) throws Exception {
    goals("verify", "deploy:deploy", "org.apache.maven.plugins:maven-deploy-plugin:3.1.4:deploy");
    mojo.execute(); // two environments and no choice: would fail for deploy:ecs
    assertThat(build.log().lines()).noneMatch(l -> l.startsWith("[INFO]") || l.startsWith("[WARNING]"));
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + EcsGoalTest.STAGING + END)
  void theOnlyEnvironmentNeedsNoChoice(GuardMojo mojo) throws Exception {
    goals("verify", "deploy:ecs");
    mojo.execute();
    assertThat(build.log().lines())
        .containsExactly("[INFO] deploy:guard: deploy:ecs will deploy to environment 'staging' (shop-staging/web)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + TWO + END)
  @UserProperty(name = "deploy.env", value = "production")
  void deployEnvChoosesByProperty(GuardMojo mojo) throws Exception {
    assertThat(mojo.env).isEqualTo("production");
    goals("dev.slipway:deploy-maven-plugin:1.0.0:rollback");
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] deploy:guard: dev.slipway:deploy-maven-plugin:1.0.0:"
        + "rollback will deploy to environment 'production' (shop-prod/web)");
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + TWO + END)
  void noChoiceAmongTwoListsThem(GuardMojo mojo) {
    goals("verify", "deploy:ecs");
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("no environment selected: pass -Penv=<name> (Maven 4: -P env=<name>) or -Denv=<name>; "
            + "configured: staging, production");
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + TWO + END)
  @UserProperty(name = "env", value = "prod")
  void anUnknownEnvironmentListsTheKnownOnes(GuardMojo mojo) {
    goals("deploy:status");
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("unknown environment 'prod' (-Denv/deploy.env); configured: staging, production");
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + TWO + END)
  @UserProperty(name = "env", value = "staging")
  @UserProperty(name = "deploy.env", value = "production")
  void twoContradictingChoicesAreRefused(GuardMojo mojo) {
    goals("deploy:ecs");
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("the build names two environments: ")
        .hasMessageContaining("-Denv").hasMessageContaining("-Ddeploy.env");
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + EcsGoalTest.STAGING + "<pollInterval>often</pollInterval>" + END)
  void aBrokenEnvironmentIsNamedBeforeTheBuildRuns(GuardMojo mojo) {
    goals("verify", "deploy:ecs");
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("<environment> 'staging' <pollInterval>: 'often' is not a duration");
  }

  @Test
  @InjectMojo(goal = "guard", pom = POM + TWO + END)
  @UserProperty(name = "deploy.skip")
  @UserProperty(name = "env", value = "prod")
  void skipDoesNothingNotEvenCheckTheConfiguration(GuardMojo mojo) throws Exception {
    goals("deploy:ecs");
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] deploy:guard skipped (deploy.skip)");
    assertThat(build.written()).isEmpty();
  }
}
