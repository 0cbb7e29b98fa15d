package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.results.WorkloadModel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How quick-use properties, POM requests and scenario files combine, and which combinations are refused. */
class LoadTestResolveTest {

  static LoadSettings settings(String target, Double rate, Duration duration, Integer connections, String model,
      Duration warmup, List<Scenario> requests) {
    return new LoadSettings(target == null ? null : URI.create(target), null, requests, null, rate, null, duration,
        connections, model, 0, warmup, null, 1, null, Path.of("target"), null, null, Path.of("."), null, null, null);
  }

  @Test
  void quickUseRequestsTheTargetUrlItself() throws Exception {
    LoadConfig c = LoadTest.resolve(settings("http://127.0.0.1:8080/health?deep=1", 500.0, Duration.ofSeconds(20),
        null, "auto", null, null));

    assertThat(c.model()).isEqualTo(WorkloadModel.OPEN);
    assertThat(c.scenarios()).hasSize(1);
    assertThat(c.scenarios().get(0).steps().get(0).path()).isEqualTo("/health?deep=1");
    assertThat(c.schedule().arrivals()).isEqualTo(10_000);
    assertThat(c.warmup()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.connections()).isEqualTo(LoadTest.DEFAULT_OPEN_POOL);
  }

  @Test
  void withoutARateItIsClosed() throws Exception {
    LoadConfig c = LoadTest.resolve(settings("http://127.0.0.1:8080/", null, Duration.ofMinutes(2), null, "auto",
        null, null));

    assertThat(c.model()).isEqualTo(WorkloadModel.CLOSED);
    assertThat(c.connections()).isEqualTo(LoadTest.DEFAULT_CONNECTIONS);
    assertThat(c.warmup()).as("20 %, at most 5 s").isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void refusedCombinationsNameTheParameters() {
    assertThatThrownBy(() -> LoadTest.resolve(settings("http://127.0.0.1:8080/", null, Duration.ofSeconds(5), null,
        "open", null, null))).isInstanceOf(InvalidInputException.class).hasMessageContaining("perf.model=open")
        .hasMessageContaining("perf.rate");
    assertThatThrownBy(() -> LoadTest.resolve(settings("http://127.0.0.1:8080/", null, Duration.ofSeconds(5), null,
        "auto", Duration.ofSeconds(5), null))).hasMessageContaining("perf.warmup");
    assertThatThrownBy(() -> LoadTest.resolve(settings("https://127.0.0.1:8443/", null, Duration.ofSeconds(5), null,
        "auto", null, null))).hasMessageContaining("perf.target").hasMessageContaining("https");
    assertThatThrownBy(() -> LoadTest.resolve(settings("http://ci:s3cr3t-canary@127.0.0.1:8080/", null,
        Duration.ofSeconds(5), null, "auto", null, null))).hasMessageContaining("credentials")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-canary"));
    assertThatThrownBy(() -> LoadTest.resolve(settings("http://127.0.0.1:8080/", -1.0, Duration.ofSeconds(5), null,
        "auto", null, null))).hasMessageContaining("perf.rate");
    assertThatThrownBy(() -> LoadTest.resolve(settings("http://127.0.0.1:8080/", null, Duration.ofSeconds(5), 0,
        "auto", null, null))).hasMessageContaining("perf.connections");
    assertThatThrownBy(() -> LoadTest.resolve(settings("http://127.0.0.1:8080/", null, Duration.ofSeconds(5), null,
        "auto", null, List.of(Scenario.of(RequestSpec.get("/"), 0))))).hasMessageContaining("weight 0");
  }
}
