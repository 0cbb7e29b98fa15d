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
    m.baselineRuns = 30;
    m.alpha = 0.01;
    m.minEffect = 0.05;
    m.singleRunWarn = 0.10;
    m.singleRunFail = 0.20;
    m.minErrorRateIncrease = 0.001;
    m.power = 0.8;
    m.bootstrapResamples = 200;
    m.confidence = 0.95;
    m.seed = 1;
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
      assertThat(body).contains("web: 3 performance regression(s)").contains("FAIL GET /x latency.p99");
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
