package dev.slipway.deploy.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Durations;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Environments;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POM configuration into validated environments: defaults, and errors that name the element and accepted values. */
class ConfigurationTest {
  private static Environment staging() {
    Environment e = new Environment();
    e.name = "staging";
    e.cluster = "shop-staging";
    e.service = "web";
    return e;
  }

  @Test
  void defaultsFollowTheOldPipeline() throws Exception {
    Environment e = staging();
    e.healthCheck = new HealthCheck();
    e.healthCheck.url = "https://staging.example/health";
    EnvironmentSpec spec = e.toSpec("eu-west-1");
    assertThat(spec.region()).isEqualTo("eu-west-1");
    // rollout settings the POM does not name stay unset, so the service keeps its own
    assertThat(spec.strategy()).isNull();
    assertThat(spec.circuitBreakerEnable()).isNull();
    assertThat(spec.circuitBreakerRollback()).isNull();
    assertThat(spec.minimumHealthyPercent()).isNull();
    assertThat(spec.healthCheck().initialDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(spec.healthCheck().attempts()).isEqualTo(10);
    assertThat(spec.timeouts().pollInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(spec.requireConfirmation()).isFalse();
    assertThat(spec.production()).isFalse();
    assertThat(prod().toSpec(null).production()).isTrue();
  }

  @Test
  void badValuesNameTheElementAndTheAcceptedValues() {
    Environment e = staging();
    e.strategy = "RED_BLACK";
    assertThatThrownBy(() -> e.toSpec(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("<environment> 'staging' <strategy>: 'RED_BLACK' is not one of ROLLING, BLUE_GREEN, CANARY, LINEAR");
    Environment t = staging();
    t.pollInterval = "soon";
    assertThatThrownBy(() -> t.toSpec(null)).hasMessageContaining("<pollInterval>: 'soon' is not a duration");
    Environment s = staging();
    SmokeTest smoke = new SmokeTest();
    smoke.path = "/api";
    smoke.method = "FETCH";
    s.smokeTests = List.of(smoke);
    s.baseUrl = "https://x.example";
    assertThatThrownBy(() -> s.toSpec(null)).hasMessageContaining("<smokeTests>[0] <method>: 'FETCH'");
    Environment m = staging();
    m.cluster = null;
    assertThatThrownBy(() -> m.toSpec(null)).hasMessageContaining("<environment> 'staging' <cluster> is required");
    Environment h = staging();
    h.healthCheck = new HealthCheck();
    h.healthCheck.url = "staging.example/health";
    assertThatThrownBy(() -> h.toSpec(null)).hasMessageContaining("must start with http:// or https://");
  }

  @Test
  void malformedUrlsFailWhenTheConfigurationIsReadNotDuringTheDeployment() {
    Environment h = staging();
    h.healthCheck = new HealthCheck();
    h.healthCheck.url = "https://staging.example/he alth";
    assertThatThrownBy(() -> h.toSpec(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("<environment> 'staging' <healthCheck><url>: 'https://staging.example/he alth' is not a "
            + "valid URL");
    Environment s = staging();
    SmokeTest smoke = new SmokeTest();
    smoke.path = "/orders?q=a b";
    s.smokeTests = List.of(smoke);
    s.baseUrl = "https://staging.example";
    assertThatThrownBy(() -> s.toSpec(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("<environment> 'staging' <smokeTests>[0] <path>: '/orders?q=a b'");
    Environment b = staging();
    b.baseUrl = "https://";
    assertThatThrownBy(() -> b.toSpec(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("<environment> 'staging' <baseUrl>");
  }

  @Test
  void unknownEnvironmentListsTheKnownOnes() throws Exception {
    List<EnvironmentSpec> envs = List.of(staging().toSpec(null), prod().toSpec(null));
    assertThatThrownBy(() -> Environments.select(envs, "qa"))
        .hasMessageContaining("unknown environment 'qa'").hasMessageContaining("configured: staging, production");
    assertThatThrownBy(() -> Environments.select(envs, null)).hasMessageContaining("pass -Penv=<name> (Maven 4: -P env=<name>) or -Denv=<name>");
    assertThat(Environments.select(envs, "production").requireConfirmation()).isTrue();
    assertThat(Environments.select(List.of(staging().toSpec(null)), null).name()).isEqualTo("staging");
  }

  @Test
  void durationsAsPeopleWriteThem() throws Exception {
    assertThat(Durations.parse("500ms", "p")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s", "p")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("10m", "p")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("1h", "p")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("45", "p")).isEqualTo(Duration.ofSeconds(45));
    assertThat(Durations.parse("PT2M", "p")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> Durations.parse("10 parsecs", "<timeout>")).hasMessageContaining("<timeout>");
  }

  private static Environment prod() {
    Environment e = new Environment();
    e.name = "production";
    e.cluster = "shop-production";
    e.service = "web";
    e.requireConfirmation = true;
    return e;
  }
}
