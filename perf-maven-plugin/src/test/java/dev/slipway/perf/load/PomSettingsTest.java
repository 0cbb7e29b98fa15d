package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POM requests and phases are validated in the core, with errors that say which element of the POM is wrong. */
class PomSettingsTest {

  static RequestSettings request(int weight) {
    return new RequestSettings(null, "post", "orders", Map.of("X-Trace", "1"), "{}", null, weight, null);
  }

  @Test
  void requestsBecomeWeightedOneStepScenarios() throws Exception {
    List<Scenario> s = RequestSettings.scenarios(List.of(request(3),
        new RequestSettings("health", null, "/health", null, null, "200,503", 0, "250ms")));

    assertThat(s).extracting(Scenario::weight).containsExactly(3, 0);
    RequestSpec post = s.get(0).steps().get(0);
    assertThat(post.name()).isEqualTo("POST /orders");
    assertThat(new String(post.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(post.headers()).containsEntry("X-Trace", "1");
    RequestSpec health = s.get(1).steps().get(0);
    assertThat(health.name()).isEqualTo("health");
    assertThat(health.think()).isEqualTo(Duration.ofMillis(250));
    assertThat(health.expect().accepts(503)).as("<expect> 200,503").isTrue();
    assertThat(health.expect().accepts(201)).isFalse();
    assertThat(RequestSettings.scenarios(null)).isEmpty();
  }

  @Test
  void negativeWeightNamesTheRequestAndTheAcceptedValues() {
    assertThatThrownBy(() -> RequestSettings.scenarios(List.of(request(1), request(-2))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("<requests><request> #2 <weight>")
        .hasMessageContaining(">= 0")
        .hasMessageContaining("was -2");
  }

  @Test
  void badExpectOrThinkNamesTheElement() {
    assertThatThrownBy(() -> RequestSettings.scenarios(List.of(
        new RequestSettings(null, null, "/", null, null, null, 1, "a while"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("<requests><request> #1 <think>");
    assertThatThrownBy(() -> RequestSettings.scenarios(List.of(
        new RequestSettings(null, null, "/", null, null, "fine", 1, null))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("<requests><request> #1 <expect>");
  }

  @Test
  void phasesAreParsedAndRampDefaultsToConstant() throws Exception {
    List<Phase> p = PhaseSettings.phases(List.of(new PhaseSettings("30s", 10, null),
        new PhaseSettings("1m", 10, 50.0)));

    assertThat(p).containsExactly(new Phase(Duration.ofSeconds(30), 10, 10), new Phase(Duration.ofMinutes(1), 10, 50));
    assertThat(PhaseSettings.phases(null)).isEmpty();
  }

  @Test
  void badPhasesNameThePhase() {
    assertThatThrownBy(() -> PhaseSettings.phases(List.of(new PhaseSettings("30s", 1, null),
        new PhaseSettings("30s", -5, null))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("<phases><phase> #2")
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> PhaseSettings.phases(List.of(new PhaseSettings("soon", 1, null))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("<phases><phase> #1 <duration>");
    assertThatThrownBy(() -> PhaseSettings.phases(List.of(new PhaseSettings(null, 1, null))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("<phases><phase> #1 <duration>");
  }
}
