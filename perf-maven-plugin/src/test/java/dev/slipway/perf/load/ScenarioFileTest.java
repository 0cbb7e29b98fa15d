package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioFileTest {
  @TempDir Path dir;

  static Path resource(String name) throws Exception {
    return Path.of(ScenarioFileTest.class.getResource("/scenarios/" + name).toURI());
  }

  @Test
  void readsTheArtillerySubsetOfTheOldPipeline() throws Exception {
    Workload w = ScenarioFile.load(resource("artillery-old-pipeline.yml"));

    assertThat(w.target().toString()).isEqualTo("http://127.0.0.1:8080");
    assertThat(w.phases()).containsExactly(Phase.constant(Duration.ofSeconds(2), 50),
        Phase.constant(Duration.ofSeconds(1), 0), new Phase(Duration.ofSeconds(1), 100, 200));
    assertThat(w.scenarios()).hasSize(2);
    Scenario queue = w.scenarios().get(0);
    assertThat(queue.name()).isEqualTo("queue");
    assertThat(queue.weight()).isEqualTo(3);
    RequestSpec get = queue.steps().get(0);
    assertThat(get.method()).isEqualTo("GET");
    assertThat(get.path()).isEqualTo("/health");
    assertThat(get.headers()).containsEntry("X-Source", "artillery");
    RequestSpec post = queue.steps().get(1);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(new String(post.body(), StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"job\",\"size\":3}");
    assertThat(post.headers()).containsEntry("Content-Type", "application/json").containsEntry("X-Trace", "1")
        .containsEntry("X-Source", "artillery");
    assertThat(queue.flow().get(2)).isEqualTo(new FlowStep.Think(Duration.ofMillis(500)));
    // An absolute URL on the target becomes a path.
    assertThat(w.scenarios().get(1).steps().get(0).path()).isEqualTo("/analytics?days=7");
    // Schedule: 100 + 0 + 150 arrivals.
    assertThat(new ArrivalSchedule(w.phases()).arrivals()).isEqualTo(250);
    // ensure is honoured (perf:load checks it), so it is no longer a warning
    assertThat(w.ensure().thresholds()).containsEntry("http.response_time.p99", 200.0);
    assertThat(w.ensure().source()).contains("artillery-old-pipeline.yml:18");
    assertThat(w.warnings()).isEmpty();
  }

  @Test
  void readsSlipwayYaml() throws Exception {
    Workload w = ScenarioFile.load(resource("slipway.yml"));

    assertThat(w.scenarios()).extracting(Scenario::weight).containsExactly(4, 1);
    RequestSpec post = w.scenarios().get(1).steps().get(0);
    assertThat(post.name()).isEqualTo("POST /orders");
    assertThat(post.expect().accepts(201)).isTrue();
    assertThat(post.expect().accepts(200)).isFalse();
    assertThat(post.think()).isEqualTo(Duration.ofMillis(100));
    assertThat(w.scenarios().get(0).steps().get(0).name()).isEqualTo("health");
  }

  @Test
  void unsupportedStepNamesFileLineAndWhatIsAccepted() throws Exception {
    Path f = resource("bad-step.yml");

    assertThatThrownBy(() -> ScenarioFile.load(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(f + ":10 at /scenarios/0/flow/1/function")
        .hasMessageContaining("'function' needs JavaScript");
  }

  @Test
  void requestsToAnotherHostAreRefused() throws Exception {
    Path f = dir.resolve("elsewhere.yml");
    Files.writeString(f, "config:\n  target: http://127.0.0.1:8080\nscenarios:\n  - flow:\n"
        + "      - get:\n          url: http://example.com/x\n");

    assertThatThrownBy(() -> ScenarioFile.load(f)).hasMessageContaining(f + ":6")
        .hasMessageContaining("not on the target");
  }

  @Test
  void badValuesNameTheirLine() throws Exception {
    Path f = dir.resolve("bad.yml");
    Files.writeString(f, "target: http://127.0.0.1:1\nphases:\n  - duration: soon\n    arrivalRate: 5\n"
        + "requests:\n  - path: /\n");
    assertThatThrownBy(() -> ScenarioFile.load(f)).hasMessageContaining(f + ":3 at /phases/0/duration")
        .hasMessageContaining("not a duration");

    Files.writeString(f, "requests:\n  - path: /\n    colour: red\n");
    assertThatThrownBy(() -> ScenarioFile.load(f)).hasMessageContaining(f + ":3 at /requests/0/colour")
        .hasMessageContaining("accepted here");

    Files.writeString(f, "requests:\n  - path: /\n  bad indent: [\n");
    assertThatThrownBy(() -> ScenarioFile.load(f)).hasMessageContaining(f + ":").hasMessageContaining("YAML");
  }

  @Test
  void scheduleRampsAndPauses() {
    ArrivalSchedule s = new ArrivalSchedule(java.util.List.of(Phase.constant(Duration.ofSeconds(1), 10),
        Phase.constant(Duration.ofSeconds(1), 0), new Phase(Duration.ofSeconds(2), 0, 10)));
    assertThat(s.arrivals()).isEqualTo(20);
    assertThat(s.offsetNanos(0)).isZero();
    assertThat(s.offsetNanos(9)).isEqualTo(900_000_000L);
    // First ramp arrival: right after the pause; ramp 0 -> 10/s over 2 s: count(t) = 2.5 t^2 -> arrival 1 at ~0.632 s.
    assertThat(s.offsetNanos(10)).isEqualTo(2_000_000_000L);
    assertThat(s.offsetNanos(11) / 1e9).isCloseTo(2.632, org.assertj.core.data.Offset.offset(0.001));
    assertThat(s.offsetNanos(20)).isEqualTo(ArrivalSchedule.END);
    assertThat(s.arrivalsBefore(1_500_000_000L)).isEqualTo(10);
    for (int n = 1; n < 20; n++) {
      assertThat(s.offsetNanos(n)).isGreaterThan(s.offsetNanos(n - 1));
    }
  }
}
