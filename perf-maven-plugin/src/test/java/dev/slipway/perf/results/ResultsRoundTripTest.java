package dev.slipway.perf.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsRoundTripTest {
  @TempDir Path dir;

  static RunResult sample(int run) {
    EndpointResult get = new EndpointResult("GET /health", 1000, new Errors(1, 2, 3, 4), 500.0,
        new Latency(1.5, 2.5, 9.0, 20.0, 25.0, 2.0), Map.of());
    EndpointResult jmh = new EndpointResult("bench.Foo.bar", 0, null, null, null,
        Map.of("score", new Metric(123.4, "ops/s", true, List.of(120.0, 126.8))));
    return new RunResult(RunResult.SCHEMA_VERSION, "slipway", WorkloadModel.OPEN, Instant.parse("2026-01-02T03:04:05Z"),
        2.0, 0.5, "http://127.0.0.1:1/", run, null, null, Map.of("commit", "abc"), get, List.of(get, jmh));
  }

  @Test
  void writesAndReadsBackAFolderOfRuns() throws Exception {
    Path f1 = ResultsWriter.writeRun(dir, "load", sample(1));
    Path f2 = ResultsWriter.writeRun(dir, "load", sample(2));
    assertThat(f1.getFileName().toString()).isEqualTo("load-run-1.json");
    Files.writeString(dir.resolve("notes.txt"), "not a result");

    List<RunResult> back = ResultsReader.standard(Log.silent()).read(dir);

    assertThat(back).hasSize(2);
    assertThat(back.get(0).withSource(null)).isEqualTo(sample(1));
    assertThat(back.get(1).run()).isEqualTo(2);
    assertThat(back.get(0).source()).isEqualTo(f1.toString());
    EndpointResult e = back.get(0).endpoint("GET /health").orElseThrow();
    assertThat(e.allMetrics().get(EndpointResult.P99).value()).isEqualTo(9.0);
    assertThat(e.allMetrics().get(EndpointResult.ERROR_RATE).value()).isEqualTo(0.01);
    assertThat(back.get(0).endpoint("bench.Foo.bar").orElseThrow().allMetrics().get("score").samples())
        .containsExactly(120.0, 126.8);
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void wrongTypeNamesFileAndPointer() throws Exception {
    Path f = ResultsWriter.writeRun(dir, "load", sample(1));
    Files.writeString(f, Files.readString(f).replace("\"p99\" : 9.0", "\"p99\" : \"slow\""));

    assertThatThrownBy(() -> ResultsReader.standard(Log.silent()).read(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("/latency/p99");
  }

  @Test
  void newerSchemaIsRefused() throws Exception {
    Path f = ResultsWriter.writeRun(dir, "load", sample(1));
    Files.writeString(f, Files.readString(f).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 7"));

    assertThatThrownBy(() -> ResultsReader.standard(Log.silent()).read(f))
        .hasMessageContaining("/schemaVersion").hasMessageContaining("newer");
  }

  @Test
  void malformedJsonNamesLine() throws Exception {
    Path f = dir.resolve("broken.json");
    Files.writeString(f, "{\n  \"schemaVersion\": 1,\n  \"endpoints\": [\n}");

    assertThatThrownBy(() -> ResultsReader.standard(Log.silent()).read(f))
        .hasMessageContaining(f + ":4:");
  }

  @Test
  void unknownFileListsExpectedShapes() throws Exception {
    Path f = dir.resolve("x.json");
    Files.writeString(f, "{\"hello\": 1}");

    assertThatThrownBy(() -> ResultsReader.standard(Log.silent()).read(f))
        .hasMessageContaining("not a result file").hasMessageContaining("schemaVersion");
  }
}
