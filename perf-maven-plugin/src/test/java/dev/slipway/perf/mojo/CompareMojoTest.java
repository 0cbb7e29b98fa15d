package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.perf.compare.Runs;
import dev.slipway.perf.results.ResultsWriter;
import dev.slipway.testkit.RecordingServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mojos' mapping of parameters and outcomes, without a Maven fork. */
class CompareMojoTest {
  @TempDir Path dir;

  CompareMojo mojo(Path base, Path cur) {
    CompareMojo m = new CompareMojo();
    m.current = cur.toFile();
    m.baseline = base == null ? null : base.toFile();
    m.history = dir.resolve(".slipway/perf-history.jsonl").toFile();
    m.historyKeys = "os,arch,cpuCount,cpuModel,jdk";
    m.baselineBuilds = 30;
    m.minHistoryBuilds = 5;
    m.maxErrorRate = 0.01;
    m.failOn = "FAIL";
    m.alpha = 0.01;
    m.minEffect = 0.05;
    m.warnThreshold = 0.10;
    m.failThreshold = 0.20;
    m.minErrorRateIncrease = 0.001;
    m.power = 0.8;
    m.confidence = 0.95;
    m.changePointWindow = 50;
    m.changePointPValue = 0.001;
    m.outputDirectory = dir.resolve("out").toFile();
    m.failOnRegression = true;
    m.basedir = dir.toFile();
    m.env = Map.of();
    m.slackEnv = "SLACK_WEBHOOK_PERFORMANCE";
    m.slackServer = "slack-performance";
    m.slackTimeout = "10s";
    m.artifactId = "web";
    return m;
  }

  private Path[] slowerByHalf() throws Exception {
    Path base = dir.resolve("base");
    Path cur = dir.resolve("cur");
    for (int i = 0; i < 8; i++) {
      double w = 1 + (i % 4) * 0.01;
      ResultsWriter.writeRun(base, "b", Runs.run(i + 1, Runs.http("GET /x", 10 * w, 100, 1000, 0)));
      ResultsWriter.writeRun(cur, "c", Runs.run(i + 1, Runs.http("GET /x", 15 * w, 100, 1000, 0)));
    }
    return new Path[] {base, cur};
  }

  @Test
  void aRegressionFailsTheBuildUnlessToldOtherwise() throws Exception {
    Path[] p = slowerByHalf();
    CompareMojo m = mojo(p[0], p[1]);
    assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("regressed").hasMessageContaining("compare.md");
    assertThat(dir.resolve("out/compare.json")).exists();

    CompareMojo lenient = mojo(p[0], p[1]);
    lenient.failOnRegression = false;
    lenient.execute();
  }

  @Test
  void regressionsArePostedToThePerformanceWebhook() throws Exception {
    String canary = "T0PERF/B0PERF/performanceWebhookCanary77";
    try (RecordingServer slack = new RecordingServer()) {
      Path[] p = slowerByHalf();
      CompareMojo m = mojo(p[0], p[1]);
      m.env = Map.of("SLACK_WEBHOOK_PERFORMANCE", slack.uri("/services/" + canary).toString());
      assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("regressed");
      assertThat(slack.requests()).hasSize(1);
      String body = slack.requests().get(0).body();
      assertThat(body).contains("web: 2 performance regression(s)").contains("FAIL GET /x latency.p99");
      // nothing the build printed names the webhook
      CompareMojo quiet = mojo(p[0], p[1]);
      quiet.env = Map.of();
      assertThatThrownBy(quiet::execute).isInstanceOf(MojoFailureException.class);
      assertThat(slack.requests()).hasSize(1); // no webhook, no message
    }
  }

  @Test
  void badSettingsAreTheProjectsFaultAndNameTheProperty() throws Exception {
    Path[] p = slowerByHalf();
    CompareMojo m = mojo(p[0], p[1]);
    m.alpha = 0.7;
    assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("perf.alpha");
    CompareMojo d = mojo(p[0], p[1]);
    d.directions = "latency=sideways";
    assertThatThrownBy(d::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("perf.directions");
    CompareMojo missing = mojo(dir.resolve("nowhere"), p[1]);
    assertThatThrownBy(missing::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.baseline").hasMessageContaining("nowhere");
  }

  @Test
  void aFirstBuildWhoseRequestsAllFailFailsWithoutAnyBaseline() throws Exception {
    // Was: no baseline, so "nothing compared" and BUILD SUCCESS with 100 % errors.
    Path cur = dir.resolve("all404");
    for (int i = 1; i <= 3; i++) {
      ResultsWriter.writeRun(cur, "c", Runs.run(i, Runs.http("GET /x", 1, 1000, 2000, 2000)));
    }
    assertThatThrownBy(mojo(null, cur)::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("regressed or broke a limit");
    String md = Files.readString(dir.resolve("out/compare.md"));
    assertThat(md).contains("error budget").contains("100.00 %").contains("No baseline");
    CompareMojo off = mojo(null, cur);
    off.maxErrorRate = 1;
    off.execute();
  }

  @Test
  void unknownIsAWarningThatPerfFailOnCanTurnIntoAFailure() throws Exception {
    // Builds that wander by +-30 %: a 25 % slower build cannot be confirmed (UNKNOWN). Was: UNKNOWN passed silently.
    Path hist = dir.resolve(".slipway/perf-history.jsonl");
    for (int b = 0; b < 6; b++) {
      Path runs = dir.resolve("b" + b);
      double level = 100 * (1 + 0.3 * new double[] {0, 1, -1, 0.5, -0.5, 0.8}[b]);
      for (int i = 1; i <= 3; i++) {
        ResultsWriter.writeRun(runs, "b", Runs.run(i, Runs.http("GET /x", level * (1 + 0.001 * i), 100, 1000, 0)));
      }
      BaselineMojo bm = new BaselineMojo();
      bm.current = runs.toFile();
      bm.history = hist.toFile();
      bm.historyMaxEntries = 1000;
      bm.basedir = dir.toFile();
      bm.execute();
    }
    Path cur = dir.resolve("cur");
    for (int i = 1; i <= 3; i++) {
      ResultsWriter.writeRun(cur, "c", Runs.run(i, Runs.http("GET /x", 125 * (1 + 0.001 * i), 100, 1000, 0)));
    }
    CompareMojo m = mojo(null, cur);
    m.metrics = "latency.p50";
    m.execute();
    assertThat(Files.readString(dir.resolve("out/compare.md"))).contains("could not be decided (UNKNOWN)");
    CompareMojo strict = mojo(null, cur);
    strict.metrics = "latency.p50";
    strict.failOn = "FAIL,UNKNOWN";
    assertThatThrownBy(strict::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("could not be decided (UNKNOWN)");
    CompareMojo bad = mojo(null, cur);
    bad.failOn = "FAIL,MAYBE";
    assertThatThrownBy(bad::execute).hasMessageContaining("perf.failOn").hasMessageContaining("UNKNOWN, WARN");
  }

  @Test
  void skipDoesNothing() throws Exception {
    CompareMojo m = mojo(dir.resolve("nowhere"), dir.resolve("nothing"));
    m.skip = true;
    m.execute();
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void baselineThenCompareAgainstTheHistory() throws Exception {
    Path[] p = slowerByHalf();
    BaselineMojo b = new BaselineMojo();
    b.current = p[0].toFile();
    b.history = dir.resolve(".slipway/perf-history.jsonl").toFile();
    b.historyMaxEntries = 100;
    b.basedir = dir.toFile();
    b.execute();
    assertThat(Files.readAllLines(dir.resolve(".slipway/perf-history.jsonl"))).hasSize(8);

    assertThatThrownBy(mojo(null, p[1])::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("regressed");
    mojo(null, p[0]).execute();
  }

  @Test
  void unresolvedExpressionsFallBackToTheWorkingDirectory() {
    assertThat(GateMojoSupport.path(new File("${project.basedir}/target/slipway/perf"), "target/slipway/perf"))
        .isEqualTo(Path.of("target/slipway/perf").toAbsolutePath());
    assertThat(GateMojoSupport.path(new File("/a/b"), "x")).isEqualTo(Path.of("/a/b"));
  }
}
