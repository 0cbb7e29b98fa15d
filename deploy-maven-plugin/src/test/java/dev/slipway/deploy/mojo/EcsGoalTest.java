package dev.slipway.deploy.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.deploy.checks.SmokeTestSpec;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.time.Duration;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * deploy:ecs's parameters as Maven binds them, in-process: the {@code <environments>} of the POM into validated
 * environments, the AWS and image parameters from -D, defaults, skip, and the errors of bad configuration. Nothing
 * here reaches AWS: every error case fails before a client is built; deployments run against the ECS simulator in
 * {@code DeployEcsIT} and {@code it/e2e}. Which environment a build selects is left to the tests of that choice.
 */
@MojoGoalTest
class EcsGoalTest {
  static final String POM = "<project><build><plugins><plugin><artifactId>deploy-maven-plugin</artifactId>"
      + "<configuration><environments><environment>";
  static final String END = "</environment></environments></configuration></plugin></plugins></build></project>";
  static final String STAGING = "<name>staging</name><cluster>shop-staging</cluster><service>web</service>";

  @Inject TestBuild build;

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + END)
  void defaults(EcsMojo mojo) throws Exception {
    assertThat(mojo.image).isNull();
    assertThat(mojo.imageJson).isEqualTo(build.path("target/slipway/image.json").toFile());
    assertThat(mojo.dryRun).isFalse();
    assertThat(mojo.confirm).isNull();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.region).isNull();
    assertThat(mojo.profile).isNull();
    assertThat(mojo.roleArn).isNull();
    assertThat(mojo.endpoint).isNull();
    assertThat(mojo.maxAttempts).isEqualTo(8);
    assertThat(mojo.journalDirectory).isEqualTo(build.path("target/slipway/deploy").toFile());

    EnvironmentSpec spec = mojo.environments.get(0).toSpec(mojo.region);
    assertThat(spec.region()).as("left to the SDK's region chain").isNull();
    // settings the POM does not mention are left as the service has them (null: not sent)
    assertThat(spec.strategy()).isNull();
    assertThat(spec.containers()).isEmpty();
    assertThat(spec.desiredCount()).isNull();
    assertThat(spec.circuitBreakerEnable()).isNull();
    assertThat(spec.circuitBreakerRollback()).isNull();
    assertThat(spec.healthCheck()).isNull();
    assertThat(spec.smokeTests()).isEmpty();
    assertThat(spec.requireConfirmation()).isFalse();
    assertThat(spec.timeouts()).isEqualTo(EnvironmentSpec.Timeouts.defaults());
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + END)
  @UserProperty(name = "deploy.image", value = "127.0.0.1:5000/shop/web:1.4.2")
  @UserProperty(name = "deploy.imageJson", value = "build/image.json")
  @UserProperty(name = "deploy.dryRun")
  @UserProperty(name = "deploy.confirm", value = "staging")
  @UserProperty(name = "deploy.region", value = "eu-west-1")
  @UserProperty(name = "deploy.profile", value = "shop-ci")
  @UserProperty(name = "deploy.roleArn", value = "arn:aws:iam::123456789012:role/deployer")
  @UserProperty(name = "deploy.endpoint", value = "http://127.0.0.1:4566")
  @UserProperty(name = "deploy.maxAttempts", value = "3")
  @UserProperty(name = "deploy.journalDirectory", value = "journals")
  void everyPropertyBinds(EcsMojo mojo) throws Exception {
    assertThat(mojo.image).isEqualTo("127.0.0.1:5000/shop/web:1.4.2");
    assertThat(mojo.imageJson).as("a relative path is the project's").isEqualTo(build.path("build/image.json").toFile());
    assertThat(mojo.dryRun).as("-Ddeploy.dryRun alone means true").isTrue();
    assertThat(mojo.confirm).isEqualTo("staging");
    assertThat(mojo.profile).isEqualTo("shop-ci");
    assertThat(mojo.roleArn).isEqualTo("arn:aws:iam::123456789012:role/deployer");
    assertThat(mojo.endpoint).isEqualTo("http://127.0.0.1:4566");
    assertThat(mojo.maxAttempts).isEqualTo(3);
    assertThat(mojo.journalDirectory).isEqualTo(build.path("journals").toFile());
    assertThat(mojo.environments.get(0).toSpec(mojo.region).region())
        .as("deploy.region fills in an environment without <region>").isEqualTo("eu-west-1");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<region>us-east-2</region>" + END)
  @UserProperty(name = "deploy.region", value = "eu-west-1")
  void theEnvironmentsRegionBeatsDeployRegion(EcsMojo mojo) throws Exception {
    assertThat(mojo.environments.get(0).toSpec(mojo.region).region()).isEqualTo("us-east-2");
  }

  @Test
  @InjectMojo(goal = "ecs")
  @UserProperty(name = "deploy.maxAttempts", value = "3")
  @MojoParameter(name = "maxAttempts", value = "5")
  void thePomBeatsTheProperty(EcsMojo mojo) {
    assertThat(mojo.maxAttempts).isEqualTo(5);
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + "<name>production</name><region>eu-west-1</region>"
      + "<cluster>shop-production</cluster><service>web</service>"
      + "<containers><container>app</container><container>sidecar</container></containers>"
      + "<desiredCount>4</desiredCount><strategy>canary</strategy><minHealthyPercent>50</minHealthyPercent>"
      + "<maxPercent>200</maxPercent><bakeTimeMinutes>10</bakeTimeMinutes><stepPercent>12.5</stepPercent>"
      + "<stepBakeTimeMinutes>3</stepBakeTimeMinutes><circuitBreaker>true</circuitBreaker>"
      + "<circuitBreakerRollback>false</circuitBreakerRollback>"
      + "<healthCheck><url>https://shop.example/health</url><initialDelay>5s</initialDelay><attempts>3</attempts>"
      + "<interval>2s</interval><expectedStatus>204</expectedStatus><requestTimeout>1s</requestTimeout></healthCheck>"
      + "<baseUrl>https://shop.example</baseUrl>"
      + "<smokeTests><smokeTest><name>home</name><path>/</path><bodyContains>Shop</bodyContains>"
      + "<maxLatency>500ms</maxLatency></smokeTest>"
      + "<smokeTest><method>head</method><path>https://cdn.shop.example/logo.png</path>"
      + "<expectedStatus>304</expectedStatus></smokeTest></smokeTests>"
      + "<requireConfirmation>true</requireConfirmation><timeout>20m</timeout><rollbackTimeout>10m</rollbackTimeout>"
      + "<pollInterval>5s</pollInterval>" + END)
  void everyEnvironmentElementBinds(EcsMojo mojo) throws Exception {
    EnvironmentSpec spec = mojo.environments.get(0).toSpec(null);
    assertThat(spec.name()).isEqualTo("production");
    assertThat(spec.region()).isEqualTo("eu-west-1");
    assertThat(spec.cluster()).isEqualTo("shop-production");
    assertThat(spec.service()).isEqualTo("web");
    assertThat(spec.containers()).containsExactly("app", "sidecar");
    assertThat(spec.desiredCount()).isEqualTo(4);
    assertThat(spec.strategy()).as("case does not matter").isEqualTo(EnvironmentSpec.Strategy.CANARY);
    assertThat(spec.minimumHealthyPercent()).isEqualTo(50);
    assertThat(spec.maximumPercent()).isEqualTo(200);
    assertThat(spec.bakeTimeMinutes()).isEqualTo(10);
    assertThat(spec.stepPercent()).isEqualTo(12.5);
    assertThat(spec.stepBakeTimeMinutes()).isEqualTo(3);
    assertThat(spec.circuitBreakerEnable()).isTrue();
    assertThat(spec.circuitBreakerRollback()).isFalse();
    assertThat(spec.healthCheck().url()).isEqualTo("https://shop.example/health");
    assertThat(spec.healthCheck().initialDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.healthCheck().attempts()).isEqualTo(3);
    assertThat(spec.healthCheck().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(spec.healthCheck().expectedStatus()).isEqualTo(204);
    assertThat(spec.healthCheck().requestTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(spec.baseUrl()).isEqualTo("https://shop.example");
    assertThat(spec.smokeTests()).extracting(SmokeTestSpec::name, SmokeTestSpec::method, SmokeTestSpec::expectedStatus)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("home", "GET", 200),
            org.assertj.core.groups.Tuple.tuple("HEAD https://cdn.shop.example/logo.png", "HEAD", 304));
    assertThat(spec.smokeTests().get(0).bodyContains()).isEqualTo("Shop");
    assertThat(spec.smokeTests().get(0).maxLatency()).isEqualTo(Duration.ofMillis(500));
    assertThat(spec.requireConfirmation()).isTrue();
    assertThat(spec.timeouts()).isEqualTo(new EnvironmentSpec.Timeouts(Duration.ofMinutes(20),
        Duration.ofMinutes(10), Duration.ofSeconds(5)));
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<strategy>RED_BLACK</strategy>" + END)
  @UserProperty(name = "deploy.skip")
  void skipDoesNothingNotEvenCheckTheConfiguration(EcsMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] deploy:ecs skipped (deploy.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<strategy>RED_BLACK</strategy>" + END)
  void anUnknownStrategyListsTheStrategies(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessage(
        "<environment> 'staging' <strategy>: 'RED_BLACK' is not one of ROLLING, BLUE_GREEN, CANARY, LINEAR");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + "<name>staging</name><service>web</service>" + END)
  void aMissingClusterIsNamed(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("<environment> 'staging' <cluster> is required");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + "<cluster>shop</cluster><service>web</service>" + END)
  void aMissingNameIsNamed(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("<environments>/<environment>/<name> is required");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<minHealthyPercent>150</minHealthyPercent>" + END)
  void aPercentOutOfRange(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("<environment> 'staging' <minHealthyPercent>: 150 must be 0..100");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<healthCheck><url>staging.example/health</url></healthCheck>"
      + END)
  void aHealthCheckUrlWithoutScheme(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("<environment> 'staging' <healthCheck><url>: 'staging.example/health' must start with http:// "
            + "or https://");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<healthCheck><url>https://staging.example/health</url>"
      + "<attempts>0</attempts></healthCheck>" + END)
  void zeroHealthCheckAttempts(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("<environment> 'staging' <healthCheck><attempts>: 0 must be at least 1");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<baseUrl>https://staging.example</baseUrl>"
      + "<smokeTests><smokeTest><path>/a</path></smokeTest><smokeTest><method>FETCH</method><path>/b</path>"
      + "</smokeTest></smokeTests>" + END)
  void anUnknownSmokeTestMethodNamesTheTest(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("<environment> 'staging' <smokeTests>[1] <method>: 'FETCH' is not one of ");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<smokeTests><smokeTest><path>/a</path></smokeTest></smokeTests>"
      + END)
  void aRelativeSmokeTestWithoutBaseUrl(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("<environment> 'staging' <smokeTests>[0] <path>: '/a' is relative but the "
            + "environment has no ");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + "<timeout>half an hour</timeout>" + END)
  void aTimeoutThatIsNoDuration(EcsMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("<environment> 'staging' <timeout>: 'half an hour' is not a duration");
  }

  @Test
  @InjectMojo(goal = "ecs", pom = POM + STAGING + END)
  @UserProperty(name = "deploy.endpoint", value = "http://127.0.0.1:4566/a b")
  void anEndpointThatIsNoUrlIsNamedBeforeAnyAwsClientExists(EcsMojo mojo) throws Exception {
    EnvironmentSpec spec = mojo.environments.get(0).toSpec(null);
    assertThatThrownBy(() -> mojo.gateway(spec)).isInstanceOf(MojoExecutionException.class)
        .hasMessage("deploy.endpoint: 'http://127.0.0.1:4566/a b' is not a URL");
  }
}
