package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.pipeline.EnvironmentFactory.HealthCheckInput;
import dev.slipway.deploy.pipeline.EnvironmentFactory.Input;
import dev.slipway.deploy.pipeline.EnvironmentFactory.SmokeTestInput;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of environments as written in the POM, without Maven: every error names environment and element. */
class EnvironmentFactoryTest {
  private static Input staging(String strategy, Integer minHealthy, Integer max, HealthCheckInput health,
      String baseUrl, List<SmokeTestInput> smoke) {
    return new Input("staging", null, "shop-staging", "web", List.of(), null, strategy, minHealthy, max, null, null,
        null, true, true, health, baseUrl, smoke, false, "30m", "20m", "15s");
  }

  private static Input staging() {
    return staging(null, null, null, null, null, List.of());
  }

  private static HealthCheckInput health(String url) {
    return new HealthCheckInput(url, "30s", 10, "10s", 200, "10s");
  }

  private static SmokeTestInput smoke(String method, String path) {
    return new SmokeTestInput(null, method, path, 200, null, "500ms");
  }

  @Test
  void aValidEnvironmentKeepsItsValuesAndDefaults() throws Exception {
    EnvironmentSpec spec = EnvironmentFactory.create(staging("canary", 50, 150,
        health(" https://staging.example/health "), "https://staging.example/",
        List.of(smoke("post", "/orders"), smoke(null, "https://other.example/ping"))), "eu-west-1");
    assertThat(spec.region()).isEqualTo("eu-west-1");
    assertThat(spec.strategy()).isEqualTo(EnvironmentSpec.Strategy.CANARY);
    assertThat(spec.minimumHealthyPercent()).isEqualTo(50);
    assertThat(spec.maximumPercent()).isEqualTo(150);
    assertThat(spec.healthCheck().url()).isEqualTo("https://staging.example/health");
    assertThat(spec.smokeTests()).extracting(t -> t.method()).containsExactly("POST", "GET");
    assertThat(spec.smokeTests().get(0).maxLatency()).isEqualTo(Duration.ofMillis(500));
    assertThat(spec.timeouts().rollback()).isEqualTo(Duration.ofMinutes(20));
  }

  @Test
  void outOfRangeNumbersAndUnknownNamesAreRejected() {
    assertThatThrownBy(() -> EnvironmentFactory.create(staging("blue-green", null, null, null, null, null), null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("<environment> 'staging' <strategy>: 'blue-green' is not one of ROLLING, BLUE_GREEN, CANARY, "
            + "LINEAR");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, 101, null, null, null, null), null))
        .hasMessage("<environment> 'staging' <minHealthyPercent>: 101 must be 0..100");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, 99, null, null, null), null))
        .hasMessage("<environment> 'staging' <maxPercent>: 99 must be at least 100");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null,
        new HealthCheckInput("https://x.example/h", "30s", 0, "10s", 200, "10s"), null, null), null))
        .hasMessage("<environment> 'staging' <healthCheck><attempts>: 0 must be at least 1");
    assertThatThrownBy(() -> EnvironmentFactory.create(new Input(null, null, "c", "s", null, null, null, null, null,
        null, null, null, null, null, null, null, null, false, null, null, null), null))
        .hasMessage("<environments>/<environment>/<name> is required");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null, null, "https://x.example",
        List.of(smoke("FETCH", "/a"))), null))
        .hasMessageStartingWith("<environment> 'staging' <smokeTests>[0] <method>: 'FETCH' is not one of");
  }

  @Test
  void badUrlsAreRejectedWhenTheSpecIsBuiltNamingEnvironmentAndElement() {
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null, health("/health"), null, null), null))
        .hasMessage("<environment> 'staging' <healthCheck><url>: '/health' must start with http:// or https://");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null,
        health("https://staging.example/he alth"), null, null), null))
        .hasMessageStartingWith("<environment> 'staging' <healthCheck><url>: 'https://staging.example/he alth' is not "
            + "a valid URL (Illegal character in path at index 26)");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null, health("http:///health"), null,
        null), null))
        .hasMessageStartingWith("<environment> 'staging' <healthCheck><url>: 'http:///health' has no host");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null, null, "staging.example",
        List.of()), null))
        .hasMessage("<environment> 'staging' <baseUrl>: 'staging.example' must start with http:// or https://");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null, null, null,
        List.of(smoke("GET", "/api"))), null))
        .hasMessage("<environment> 'staging' <smokeTests>[0] <path>: '/api' is relative but the environment has no "
            + "<baseUrl>");
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null, null, "https://staging.example",
        List.of(smoke("GET", "/api"), smoke("GET", "/api/{id}"))), null))
        .hasMessageStartingWith("<environment> 'staging' <smokeTests>[1] <path>: '/api/{id}' on <baseUrl> "
            + "https://staging.example is not a valid URL (Illegal character in path");
  }

  @Test
  void zeroAndNegativeDurationsAreRejectedAsBadInput() {
    for (String bad : List.of("0s", "0", "PT0S", "PT-15S")) {
      assertThatThrownBy(() -> EnvironmentFactory.create(new Input("staging", null, "shop-staging", "web", List.of(),
          null, null, null, null, null, null, null, null, null, null, null, List.of(), false, "30m", "20m", bad),
          null))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("<environment> 'staging' <pollInterval>: '" + bad + "'");
      assertThatThrownBy(() -> EnvironmentFactory.create(new Input("staging", null, "shop-staging", "web", List.of(),
          null, null, null, null, null, null, null, null, null, null, null, List.of(), false, bad, "20m", "15s"),
          null))
          .hasMessageStartingWith("<environment> 'staging' <timeout>: '" + bad + "'");
      assertThatThrownBy(() -> EnvironmentFactory.create(new Input("staging", null, "shop-staging", "web", List.of(),
          null, null, null, null, null, null, null, null, null, null, null, List.of(), false, "30m", bad, "15s"),
          null))
          .hasMessageStartingWith("<environment> 'staging' <rollbackTimeout>: '" + bad + "'");
      assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null,
          new HealthCheckInput("https://x.example/h", "30s", 3, bad, 200, "10s"), null, null), null))
          .hasMessageStartingWith("<environment> 'staging' <healthCheck><interval>: '" + bad + "'");
    }
    // no initial delay is a valid choice; a negative one is not
    assertThatThrownBy(() -> EnvironmentFactory.create(staging(null, null, null,
        new HealthCheckInput("https://x.example/h", "PT-1S", 3, "1s", 200, "10s"), null, null), null))
        .hasMessageStartingWith("<environment> 'staging' <healthCheck><initialDelay>: 'PT-1S' is negative");
    // and a spec built in code cannot carry one either
    assertThatThrownBy(() -> new EnvironmentSpec.Timeouts(Duration.ofMinutes(1), Duration.ofMinutes(1),
        Duration.ofSeconds(-15))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval");
  }
}
