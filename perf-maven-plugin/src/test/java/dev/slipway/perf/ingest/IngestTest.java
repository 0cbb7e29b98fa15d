package dev.slipway.perf.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each format auto-detected from files written by the real tools where they run here (see the fixtures' README). */
class IngestTest {
  @TempDir Path dir;
  final ResultsReader reader = ResultsReader.standard(Log.silent());

  static Path fixture(String name) throws Exception {
    return Path.of(IngestTest.class.getResource("/ingest/" + name).toURI());
  }

  RunResult one(String name) throws Exception {
    List<RunResult> r = reader.read(fixture(name));
    assertThat(r).hasSize(1);
    assertThat(r.get(0).source()).endsWith(name);
    return r.get(0);
  }

  @Test
  void jmhForkSamplesFromRawData() throws Exception {
    RunResult r = one("jmh-1.37.json");
    JsonNode raw = Json.mapper().readTree(fixture("jmh-1.37.json").toFile());

    assertThat(r.tool()).isEqualTo("jmh");
    assertThat(r.endpoints()).hasSize(raw.size());
    assertThat(r.labels()).containsEntry("jmhVersion", "1.37");
    EndpointResult parse = r.endpoint("bench.ParseBench.parse[size=10]").orElseThrow();
    Metric score = parse.metrics().get("score");
    assertThat(score.unit()).isEqualTo("ops/ms");
    assertThat(score.higherIsBetter()).isTrue();
    JsonNode pm = raw.get(0).get("primaryMetric");
    assertThat(score.value()).isEqualTo(pm.get("score").asDouble());
    assertThat(score.samples()).hasSize(pm.get("rawData").size());
    // Equal iterations per fork: the mean of the fork means is JMH's score.
    double mean = score.samples().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertThat(mean).isCloseTo(score.value(), offset(score.value() * 1e-9));
    double fork0 = 0;
    for (JsonNode it : pm.get("rawData").get(0)) {
      fork0 += it.asDouble() / pm.get("rawData").get(0).size();
    }
    assertThat(score.samples().get(0)).isCloseTo(fork0, offset(1e-9));

    Metric hash = r.endpoint("bench.ParseBench.hash[size=10]").orElseThrow().metrics().get("score");
    assertThat(hash.higherIsBetter()).as("avgt: lower is better").isFalse();
    // SampleTime: a fork's sample is the count-weighted mean of its rawDataHistogram over all iterations.
    int concat = -1;
    for (int i = 0; i < raw.size(); i++) {
      if (raw.get(i).get("benchmark").asText().endsWith("concat")
          && raw.get(i).get("params").get("size").asText().equals("1000")) {
        concat = i;
      }
    }
    JsonNode hist = raw.get(concat).get("primaryMetric").get("rawDataHistogram");
    Metric sample = r.endpoint("bench.ParseBench.concat[size=1000]").orElseThrow().metrics().get("score");
    assertThat(sample.samples()).hasSize(hist.size());
    double sum = 0;
    double count = 0;
    for (JsonNode iteration : hist.get(1)) {
      for (JsonNode pair : iteration) {
        sum += pair.get(0).asDouble() * pair.get(1).asDouble();
        count += pair.get(1).asDouble();
      }
    }
    assertThat(sample.samples().get(1)).isCloseTo(sum / count, offset(1e-9));
    assertThat(parse.allMetrics()).containsKey("score").doesNotContainKey(EndpointResult.P99);
  }

  @Test
  void artillery2WithEndpointsAndStatusErrors() throws Exception {
    RunResult r = one("artillery-2.0.21.json");
    JsonNode a = Json.mapper().readTree(fixture("artillery-2.0.21.json").toFile()).get("aggregate");

    assertThat(r.tool()).isEqualTo("artillery");
    assertThat(r.model()).isEqualTo(WorkloadModel.OPEN);
    assertThat(r.total().requests()).isEqualTo(120);
    assertThat(r.total().errors().status()).isEqualTo(60);
    assertThat(r.total().latency().p99()).isEqualTo(a.get("summaries").get("http.response_time").get("p99").asDouble());
    assertThat(r.total().latency().p90()).isNotNull();
    assertThat(r.durationSeconds()).isCloseTo(
        (a.get("lastCounterAt").asLong() - a.get("firstCounterAt").asLong()) / 1000.0, offset(1e-9));
    assertThat(r.total().throughput()).isCloseTo(120 / r.durationSeconds(), offset(1e-6));
    assertThat(r.endpoint("/health").orElseThrow().errors().total()).isZero();
    assertThat(r.endpoint("/missing").orElseThrow().errors().status()).isEqualTo(60);
    assertThat(r.endpoint("/missing").orElseThrow().requests()).isEqualTo(60);
  }

  @Test
  void artilleryConnectErrors() throws Exception {
    RunResult v2 = one("artillery-2.0.21-refused.json");
    assertThat(v2.total().errors().connect()).isEqualTo(60);
    assertThat(v2.total().latency()).isNull();

    RunResult v1 = one("artillery-1.7.9-refused.json");
    assertThat(v1.total().errors().connect()).isEqualTo(40);
    assertThat(v1.total().latency().p99()).isNull();
  }

  @Test
  void artillery1Aggregate() throws Exception {
    RunResult r = one("artillery-1.7.9.json");
    JsonNode lat = Json.mapper().readTree(fixture("artillery-1.7.9.json").toFile()).get("aggregate").get("latency");

    assertThat(r.labels()).containsEntry("artilleryFormat", "v1");
    assertThat(r.total().requests()).isEqualTo(80);
    assertThat(r.total().errors().status()).isEqualTo(40);
    assertThat(r.total().latency().p50()).isEqualTo(lat.get("median").asDouble());
    assertThat(r.total().latency().p99()).isEqualTo(lat.get("p99").asDouble());
    assertThat(r.total().latency().p90()).isNull();
    assertThat(r.total().metrics().get("latency.p95").value()).isEqualTo(lat.get("p95").asDouble());
  }

  @Test
  void gatlingReportFolder() throws Exception {
    // A whole report folder: stats.json is picked, global_stats.json (another shape) is skipped.
    List<RunResult> all = reader.read(fixture("gatling-report"));
    assertThat(all).hasSize(1);
    RunResult r = all.get(0);
    assertThat(r.tool()).isEqualTo("gatling");
    assertThat(r.total().requests()).isEqualTo(300);
    assertThat(r.total().errors().other()).isEqualTo(10);
    assertThat(r.endpoints()).extracting(EndpointResult::name).containsExactly("home", "checkout / pay");
    EndpointResult home = r.endpoint("home").orElseThrow();
    assertThat(home.latency().p50()).isEqualTo(8.0);
    assertThat(home.latency().p99()).isEqualTo(300.0);
    assertThat(home.errors().total()).isZero();
    assertThat(home.metrics().get("latency.p95").value()).isEqualTo(50.0);
    assertThat(r.durationSeconds()).isCloseTo(10.0, offset(1e-9));
  }

  @Test
  void k6SummaryAndLegacyExport() throws Exception {
    RunResult r = one("k6-summary.json");
    assertThat(r.tool()).isEqualTo("k6");
    assertThat(r.total().requests()).isEqualTo(5000);
    assertThat(r.total().errors().other()).isEqualTo(20);
    assertThat(r.total().latency().p90()).isEqualTo(3.9);
    assertThat(r.total().latency().p99()).isEqualTo(31.7);
    assertThat(r.durationSeconds()).isCloseTo(10.01237, offset(1e-9));
    // the 20 failures have no sub-metric of their own: kept on an endpoint of their own instead of vanishing
    assertThat(r.endpoints()).extracting(EndpointResult::name).containsExactly("login", "(other requests)");
    assertThat(r.endpoint("(other requests)").orElseThrow().errors().total()).isEqualTo(20);
    assertThat(r.endpoint("login").orElseThrow().requests()).isEqualTo(1000);

    RunResult legacy = one("k6-summary-export.json");
    assertThat(legacy.total().latency().p50()).isEqualTo(1.8);
    assertThat(legacy.total().latency().p99()).isNull();
    assertThat(legacy.total().errors().other()).isEqualTo(3);
    assertThat(legacy.durationSeconds()).isCloseTo(1200 / 119.9, offset(1e-9));
  }

  @Test
  void jmeterCsvJtl() throws Exception {
    RunResult r = one("jmeter.jtl");
    assertThat(r.tool()).isEqualTo("jmeter");
    EndpointResult health = r.endpoint("health").orElseThrow();
    assertThat(health.requests()).isEqualTo(100);
    assertThat(health.latency().p50()).isEqualTo(5.0);
    assertThat(health.latency().max()).isEqualTo(10.0);
    assertThat(health.latency().mean()).isEqualTo(5.5);
    assertThat(r.endpoint("missing, with comma").orElseThrow().errors().status()).isEqualTo(20);
    EndpointResult refused = r.endpoint("refused").orElseThrow();
    assertThat(refused.errors().connect()).isEqualTo(1);
    assertThat(refused.errors().timeout()).isEqualTo(1);
    assertThat(r.total().requests()).isEqualTo(122);
  }

  @Test
  void k6PerNameSubMetricsKeepTheirFailures() throws Exception {
    // Was: with sub-metrics the endpoints carried no errors at all, so 0 -> 30 % failures on /orders passed.
    RunResult r = one("k6-summary-per-name.json");
    assertThat(r.endpoint("orders").orElseThrow().errors().total()).isEqualTo(300);
    assertThat(r.endpoint("orders").orElseThrow().requests()).isEqualTo(1000);
    assertThat(r.endpoint("login").orElseThrow().errors().total()).isZero();
    assertThat(r.total().errors().total()).isEqualTo(300);
  }

  @Test
  void artilleryEndpointsKeepTimeoutsAndResets() throws Exception {
    // Was: endpoints came only from response-time summaries, so /orders (500 of 620 requests, all failed) vanished.
    RunResult r = one("artillery-2-by-endpoint-errors.json");
    EndpointResult orders = r.endpoint("/orders").orElseThrow();
    assertThat(orders.requests()).isEqualTo(500);
    assertThat(orders.errors().timeout()).isEqualTo(400);
    assertThat(orders.errors().other()).isEqualTo(100);
    assertThat(orders.latency()).isNull();
    EndpointResult health = r.endpoint("/health").orElseThrow();
    assertThat(health.requests()).isEqualTo(120);
    assertThat(health.statusCodes()).containsEntry("200", 120L);
    assertThat(r.total().errors().total()).isEqualTo(500);
  }

  @Test
  void realArtilleryRunWithResetConnectionsKeepsEveryFailure() throws Exception {
    // Produced by Artillery 2.0.21 itself against a server that resets every /orders connection (see README).
    RunResult r = one("artillery-2.0.21-resets.json");
    EndpointResult orders = r.endpoint("/orders").orElseThrow();
    assertThat(orders.requests()).isEqualTo(100);
    assertThat(orders.errors().other()).as("ECONNRESET").isEqualTo(100);
    assertThat(orders.latency()).isNull();
    EndpointResult missing = r.endpoint("/missing").orElseThrow();
    assertThat(missing.errors().status()).isEqualTo(100);
    assertThat(r.endpoint("/health").orElseThrow().errors().total()).isZero();
    assertThat(r.total().requests()).isEqualTo(300);
    assertThat(r.total().errors().total()).isEqualTo(200);
  }

  @Test
  void jmeterQuotedMultiLineFieldsAreOneField() throws Exception {
    // Was: the hand-written line splitter broke the record at the line breaks and failed the file.
    RunResult r = one("jmeter-multiline.jtl");
    EndpointResult login = r.endpoint("login").orElseThrow();
    assertThat(login.requests()).isEqualTo(4);
    assertThat(login.errors().status()).isEqualTo(1);
    assertThat(login.errors().timeout()).isEqualTo(1);
  }

  @Test
  void k6sOwnGoldenSummariesAreRead() throws Exception {
    // The JSON k6's own tests expect k6 to write (see the README for the origin): both the handleSummary data
    // (values under "values", thresholds as {"ok": ...}) and the --summary-export file (flat values, thresholds as
    // booleans). They hold http_reqs but no http_req_duration or http_req_failed (k6's test mocks its metrics).
    for (String name : List.of("k6-golden-handle-summary.json", "k6-golden-summary-export.json")) {
      RunResult r = one(name);
      assertThat(r.tool()).as(name).isEqualTo("k6");
      assertThat(r.total().requests()).as(name).isEqualTo(3);
      assertThat(r.total().errors().total()).as(name).isZero();
      assertThat(r.total().latency()).as(name).isNull();
      assertThat(r.durationSeconds()).as(name).isCloseTo(1.0, offset(1e-9));
    }
  }

  @Test
  void realJMeterRunCountsEveryFailureByCause() throws Exception {
    // Written by Apache JMeter 5.6.3 itself (bench/jmeter-fixture): 2 threads x 10 loops over five samplers, 20
    // samples each. The orders assertion fails with a message holding quotes, commas and two line breaks, so the
    // file has 141 lines for 100 samples: a line splitter would miscount or fail, and a 200 whose assertion failed
    // must still be an error.
    Path jtl = fixture("jmeter-5.6.3.jtl");
    assertThat(Files.readAllLines(jtl)).hasSize(141);
    RunResult r = one("jmeter-5.6.3.jtl");
    assertThat(r.tool()).isEqualTo("jmeter");
    assertThat(r.endpoints()).extracting(EndpointResult::name)
        .containsExactly("health", "missing, with comma", "orders", "slow", "refused");
    assertThat(r.endpoints()).allSatisfy(e -> assertThat(e.requests()).isEqualTo(20));
    assertThat(r.endpoint("health").orElseThrow().errors().total()).isZero();
    assertThat(r.endpoint("health").orElseThrow().latency().max()).isEqualTo(172.0);
    assertThat(r.endpoint("missing, with comma").orElseThrow().errors().status()).isEqualTo(20);
    EndpointResult orders = r.endpoint("orders").orElseThrow();
    assertThat(orders.errors().check()).as("assertion failed on a 200").isEqualTo(20);
    assertThat(orders.errors().total()).isEqualTo(20);
    assertThat(r.endpoint("slow").orElseThrow().errors().timeout()).isEqualTo(20);
    assertThat(r.endpoint("refused").orElseThrow().errors().connect()).isEqualTo(20);
    assertThat(dev.slipway.perf.report.ResultTable.render(r)).as("the log names every cause, adding up to 80")
        .contains("errors by cause: status 20, timeout 20, connect 20, other 0, check 20");
    assertThat(r.total().requests()).isEqualTo(100);
    assertThat(r.total().errors().total()).isEqualTo(80);
    // first timeStamp to the last timeStamp + elapsed in the file
    assertThat(r.durationSeconds()).isCloseTo((1796034764121L - 1796034760512L) / 1000.0, offset(1e-9));
  }

  @Test
  void jmhSecondaryMetricsTakeTheirDirectionFromTheirUnit() {
    // Was: every secondary metric was lower-is-better, so a @Group member's ops/s falling looked like a gain.
    assertThat(JmhFormat.higherIsBetter("ops/s")).isTrue();
    assertThat(JmhFormat.higherIsBetter("ops/ms")).isTrue();
    assertThat(JmhFormat.higherIsBetter("ns/op")).isFalse();
    assertThat(JmhFormat.higherIsBetter("B/op")).isFalse();
    assertThat(JmhFormat.higherIsBetter("MB/sec")).isFalse();
  }

  @Test
  void jmhSecondaryOpsPerTimeIsHigherIsBetterInTheResult() throws Exception {
    Path f = dir.resolve("jmh-group.json");
    Files.writeString(f, """
        [{"benchmark": "b.Queue.group", "mode": "thrpt", "threads": 2, "forks": 1,
          "primaryMetric": {"score": 100, "scoreUnit": "ops/s", "rawData": [[100]]},
          "secondaryMetrics": {
            "put": {"score": 60, "scoreUnit": "ops/s", "rawData": [[60]]},
            "gc.alloc.rate.norm": {"score": 24, "scoreUnit": "B/op", "rawData": [[24]]}}}]
        """);
    RunResult r = reader.read(f).get(0);
    EndpointResult b = r.endpoint("b.Queue.group").orElseThrow();
    assertThat(b.metrics().get("put").higherIsBetter()).isTrue();
    assertThat(b.metrics().get("gc.alloc.rate.norm").higherIsBetter()).isFalse();
  }

  @Test
  void badFilesNameFilePositionAndShape() throws Exception {
    Path jmh = dir.resolve("jmh.json");
    Files.writeString(jmh, Files.readString(fixture("jmh-1.37.json")).replaceFirst("\"scoreUnit\"", "\"unit\""));
    assertThatThrownBy(() -> reader.read(jmh)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(jmh + " at /0/primaryMetric/scoreUnit").hasMessageContaining("rawData[fork]");

    Path art = dir.resolve("art.json");
    Files.writeString(art, "{\"aggregate\": {\"counters\": {\"http.requests\": \"many\"}}}");
    assertThatThrownBy(() -> reader.read(art)).hasMessageContaining(art + " at /aggregate/counters/http.requests")
        .hasMessageContaining("'many' is not a number").hasMessageContaining("Artillery");

    Path jtl = dir.resolve("r.jtl");
    Files.writeString(jtl, "timeStamp,elapsed,label,responseCode,success\n1,2,a,200,true\n3,soon,a,200,true\n");
    assertThatThrownBy(() -> reader.read(jtl)).hasMessageContaining(jtl + ":3: elapsed is 'soon'");

    Files.writeString(jtl, "timeStamp,elapsed,label,responseCode,success\n1,2,a\n");
    assertThatThrownBy(() -> reader.read(jtl)).hasMessageContaining(jtl + ":2: 3 fields, the header has 5");

    Path unknown = dir.resolve("x.csv");
    Files.writeString(unknown, "a,b\n1,2\n");
    assertThatThrownBy(() -> reader.read(unknown)).hasMessageContaining("not a result file")
        .hasMessageContaining("JMeter CSV JTL").hasMessageContaining("k6 summary");
  }
}
