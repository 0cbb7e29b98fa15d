package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.perf.compare.Runs;
import dev.slipway.perf.results.ResultsWriter;
import dev.slipway.perf.stats.Verdict;
import dev.slipway.testkit.RecordingServer;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.file.Path;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.junit.jupiter.api.Test;

/**
 * perf:compare's parameters as Maven binds them, in-process. The statistics parameters (perf.alpha and the rest)
 * are the gate's own business and tested with it ({@code dev.slipway.perf.compare}, {@code dev.slipway.perf.stats});
 * here: where the inputs and outputs are, what is compared, what a regression does (thresholds, perf.failOn, the
 * Slack webhook it is posted to), that each statistics parameter binds and is refused when out of range, and skip.
 */
@MojoGoalTest
class CompareGoalTest {
  @Inject TestBuild build;

  /** Eight runs of one endpoint under {@code dir/base} and eight 50 % slower under {@code dir/cur}: p50 and p99 regress. */
  private void slowerByHalf() throws Exception {
    for (int i = 0; i < 8; i++) {
      double w = 1 + (i % 4) * 0.01;
      ResultsWriter.writeRun(build.path("base"), "b", Runs.run(i + 1, Runs.http("GET /x", 10 * w, 100, 1000, 0)));
      ResultsWriter.writeRun(build.path("cur"), "c", Runs.run(i + 1, Runs.http("GET /x", 15 * w, 100, 1000, 0)));
    }
  }

  @Test
  @InjectMojo(goal = "compare")
  void defaults(CompareMojo mojo) {
    assertThat(mojo.current).isEqualTo(build.path("target/slipway/perf").toFile());
    assertThat(mojo.baseline).as("the history is the baseline").isNull();
    assertThat(mojo.history).isEqualTo(build.path(".slipway/perf-history.jsonl").toFile());
    assertThat(mojo.historyKeys).isEqualTo("os,arch,cpuCount,cpuModel,jdk");
    assertThat(mojo.contextLabels).isNull();
    assertThat(mojo.metrics).isNull();
    assertThat(mojo.directions).isNull();
    assertThat(mojo.outputDirectory).isEqualTo(build.path("target/slipway/perf").toFile());
    assertThat(mojo.failOnRegression).isTrue();
    assertThat(mojo.comment).isFalse();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.basedir).isEqualTo(build.dir().toFile());
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  @UserProperty(name = "perf.history", value = "ci/history.jsonl")
  @UserProperty(name = "perf.historyKeys", value = "os,jdk,runner")
  @UserProperty(name = "perf.contextLabels", value = "runner=ubuntu-24.04")
  @UserProperty(name = "perf.metrics", value = "p99,throughput")
  @UserProperty(name = "perf.directions", value = "score=higher")
  @UserProperty(name = "perf.outputDirectory", value = "reports")
  @UserProperty(name = "perf.failOnRegression", value = "false")
  @UserProperty(name = "perf.comment", value = "true")
  void everyPropertyBindsAndRelativePathsAreTheProjects(CompareMojo mojo) {
    assertThat(mojo.current).isEqualTo(build.path("cur").toFile());
    assertThat(mojo.baseline).isEqualTo(build.path("base").toFile());
    assertThat(mojo.history).isEqualTo(build.path("ci/history.jsonl").toFile());
    assertThat(mojo.historyKeys).isEqualTo("os,jdk,runner");
    assertThat(mojo.contextLabels).isEqualTo("runner=ubuntu-24.04");
    assertThat(mojo.metrics).isEqualTo("p99,throughput");
    assertThat(mojo.directions).isEqualTo("score=higher");
    assertThat(mojo.outputDirectory).isEqualTo(build.path("reports").toFile());
    assertThat(mojo.failOnRegression).isFalse();
    assertThat(mojo.comment).isTrue();
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  void aRegressionFailsTheBuildAndWritesTheReport(CompareMojo mojo) throws Exception {
    slowerByHalf();
    mojo.env = Map.of();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf:compare: 2 metric(s) regressed or broke a limit; see ")
        .hasMessageContaining(build.path("target/slipway/perf/compare.md").toString());
    assertThat(build.path("target/slipway/perf/compare.json")).isNotEmptyFile();
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  @UserProperty(name = "perf.failOnRegression", value = "false")
  @UserProperty(name = "perf.outputDirectory", value = "reports")
  void failOnRegressionFalseOnlyWarns(CompareMojo mojo) throws Exception {
    slowerByHalf();
    mojo.env = Map.of();
    mojo.execute();
    assertThat(build.log().lines()).anySatisfy(l -> assertThat(l)
        .startsWith("[WARNING] perf:compare: 2 metric(s) regressed or broke a limit; see " + build.path("reports/compare.md"))
        .endsWith("(perf.failOnRegression=false, build continues)"));
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  @UserProperty(name = "perf.failOnRegression", value = "false")
  @MojoParameter(name = "failOnRegression", value = "true")
  void thePomsFailOnRegressionBeatsTheProperty(CompareMojo mojo) throws Exception {
    slowerByHalf();
    mojo.env = Map.of();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("regressed");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.skip")
  @UserProperty(name = "perf.baseline", value = "nowhere")
  @UserProperty(name = "perf.directions", value = "latency=sideways")
  void skipDoesNothingNotEvenCheckTheConfiguration(CompareMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:compare skipped (perf.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "skipTests")
  @UserProperty(name = "perf.baseline", value = "nowhere")
  @UserProperty(name = "perf.directions", value = "latency=sideways")
  void skipTestsSkipsTheGateAsItSkipsFailsafesVerify(CompareMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines())
        .containsExactly("[INFO] perf:compare skipped (skipTests; -Dperf.skipTests=false runs it all the same)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "skipITs")
  @UserProperty(name = "perf.skipTests", value = "false")
  @UserProperty(name = "perf.directions", value = "latency=sideways")
  void perfSkipTestsFalseRunsTheGateDespiteSkipITs(CompareMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("sideways");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.baseline", value = "nowhere")
  void aMissingBaselineIsNamed(CompareMojo mojo) throws Exception {
    slowerByHalf();
    mojo.current = build.path("cur").toFile();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.baseline = " + build.path("nowhere") + ": no such file or folder");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.baseline", value = "base")
  void missingCurrentResultsAreNamed(CompareMojo mojo) throws Exception {
    slowerByHalf();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.current = " + build.path("target/slipway/perf") + ": no such file or folder");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.directions", value = "latency=sideways")
  void aBadDirectionNamesThePropertyAndTheForm(CompareMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf:compare: perf.directions: ").hasMessageContaining("sideways");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.directions", value = "latency")
  void aDirectionWithoutAValue(CompareMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.directions: 'latency' is not of the form <metric glob>=higher|lower");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.contextLabels", value = "runner")
  void aBadContextLabelNamesThePropertyAndTheForm(CompareMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.contextLabels: 'runner' is not of the form key=value, e.g. runner=ubuntu-24.04");
  }

  @Test
  @InjectMojo(goal = "compare")
  void defaultsOfTheGateAndItsMessages(CompareMojo mojo) {
    assertThat(mojo.baselineBuilds).isEqualTo(30);
    assertThat(mojo.minHistoryBuilds).isEqualTo(5);
    assertThat(mojo.warnThreshold).isEqualTo(0.10);
    assertThat(mojo.failThreshold).isEqualTo(0.20);
    assertThat(mojo.failOn).isEqualTo("FAIL");
    assertThat(mojo.maxErrorRate).isEqualTo(0.01);
    assertThat(mojo.maxErrorRates).isNull();
    assertThat(mojo.changePointWindow).isEqualTo(50);
    assertThat(mojo.changePointPValue).isEqualTo(0.001);
    assertThat(mojo.slackEnv).isEqualTo("SLACK_WEBHOOK_PERFORMANCE");
    assertThat(mojo.slackServer).isEqualTo("slack-performance");
    assertThat(mojo.slackTimeout).isEqualTo("10s");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.baselineBuilds", value = "12")
  @UserProperty(name = "perf.minHistoryBuilds", value = "8")
  @UserProperty(name = "perf.warnThreshold", value = "0.15")
  @UserProperty(name = "perf.failThreshold", value = "0.3")
  @UserProperty(name = "perf.failOn", value = "FAIL,UNKNOWN")
  @UserProperty(name = "perf.maxErrorRate", value = "0.02")
  @UserProperty(name = "perf.maxErrorRates", value = "GET /flaky*=0.05")
  @UserProperty(name = "perf.changePointWindow", value = "20")
  @UserProperty(name = "perf.slack.env", value = "SHOP_PERF_HOOK")
  @UserProperty(name = "perf.slack.server", value = "shop-perf-hook")
  @UserProperty(name = "perf.slack.timeout", value = "3s")
  void theNewerPropertiesBind(CompareMojo mojo) {
    assertThat(mojo.baselineBuilds).isEqualTo(12);
    assertThat(mojo.minHistoryBuilds).isEqualTo(8);
    assertThat(mojo.warnThreshold).isEqualTo(0.15);
    assertThat(mojo.failThreshold).isEqualTo(0.3);
    assertThat(CompareMojo.failOn(mojo.failOn)).containsExactly(Verdict.FAIL, Verdict.UNKNOWN);
    assertThat(mojo.maxErrorRate).isEqualTo(0.02);
    assertThat(mojo.maxErrorRates).isEqualTo("GET /flaky*=0.05");
    assertThat(mojo.changePointWindow).isEqualTo(20);
    assertThat(mojo.slackEnv).isEqualTo("SHOP_PERF_HOOK");
    assertThat(mojo.slackServer).isEqualTo("shop-perf-hook");
    assertThat(mojo.slackTimeout).isEqualTo("3s");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  @UserProperty(name = "perf.warnThreshold", value = "0.3")
  @UserProperty(name = "perf.failThreshold", value = "0.8")
  void withoutHistoryTheThresholdsDecide(CompareMojo mojo) throws Exception {
    slowerByHalf();
    mojo.env = Map.of();
    mojo.execute(); // 50 % slower: over the 30 % that warns, under the 80 % that fails
    assertThat(build.log().lines()).anySatisfy(l -> assertThat(l)
        .startsWith("[WARNING] perf:compare: 2 metric(s) with a warning; see "));
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  @UserProperty(name = "perf.warnThreshold", value = "0.3")
  @UserProperty(name = "perf.failThreshold", value = "0.8")
  @UserProperty(name = "perf.failOn", value = "fail,warn")
  void failOnWarnFailsTheBuildOnAWarning(CompareMojo mojo) throws Exception {
    slowerByHalf();
    mojo.env = Map.of();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("perf:compare: 2 metric(s) with a warning; see ");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  @UserProperty(name = "perf.slack.env", value = "SHOP_PERF_HOOK")
  void aRegressionIsPostedToTheWebhookInTheNamedVariable(CompareMojo mojo) throws Exception {
    slowerByHalf();
    try (RecordingServer named = new RecordingServer(); RecordingServer fallback = new RecordingServer()) {
      mojo.env = Map.of("SHOP_PERF_HOOK", named.uri("/services/shop-canary-hook").toString(),
          "SLACK_WEBHOOK_PERFORMANCE", fallback.uri("/services/default").toString());
      assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("regressed");
      assertThat(named.requests()).hasSize(1);
      assertThat(named.requests().get(0).body()).contains("p99");
      assertThat(fallback.requests()).as("perf.slack.env replaces the default variable").isEmpty();
    }
    assertThat(build.log().text()).doesNotContain("shop-canary-hook");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.current", value = "cur")
  @UserProperty(name = "perf.baseline", value = "base")
  @UserProperty(name = "perf.slack.server", value = "shop-perf-hook")
  void theSlackServerWinsOverTheVariable(CompareMojo mojo) throws Exception {
    slowerByHalf();
    try (RecordingServer server = new RecordingServer(); RecordingServer variable = new RecordingServer()) {
      Server s = new Server();
      s.setId("shop-perf-hook");
      s.setPassword(server.uri("/services/from-settings").toString());
      build.session().getRequest().addServer(s);
      mojo.env = Map.of("SLACK_WEBHOOK_PERFORMANCE", variable.uri("/services/from-env").toString());
      assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class);
      assertThat(server.requests()).hasSize(1);
      assertThat(variable.requests()).isEmpty();
    }
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.failOn", value = "FAIL,SOMETIMES")
  void anUnknownVerdictListsTheVerdicts(CompareMojo mojo) {
    fails(mojo, "perf:compare: perf.failOn: 'SOMETIMES' is not a verdict; accepted: FAIL, UNKNOWN, WARN");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.warnThreshold", value = "0.3")
  @UserProperty(name = "perf.failThreshold", value = "0.2")
  void aFailThresholdBelowTheWarnThreshold(CompareMojo mojo) {
    fails(mojo, "perf.failThreshold = 0.2 is not accepted; expected a fraction not below perf.warnThreshold");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.warnThreshold", value = "-0.1")
  void aNegativeWarnThreshold(CompareMojo mojo) {
    fails(mojo, "perf.warnThreshold = -0.1 is not accepted; expected a fraction, e.g. 0.10");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.baselineBuilds", value = "1")
  void aBaselineOfOneBuildIsRefusedBeforeThereIsAHistory(CompareMojo mojo) {
    fails(mojo, "perf.baselineBuilds = 1 is not accepted; expected >= 2");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.changePointWindow", value = "3")
  void aChangePointWindowTooSmall(CompareMojo mojo) {
    fails(mojo, "perf.changePointWindow = 3 is too small; expected >= 4");
  }

  @Test
  @InjectMojo(goal = "compare")
  @UserProperty(name = "perf.slack.timeout", value = "a bit")
  void aSlackTimeoutThatIsNoDurationFailsEvenWithoutARegression(CompareMojo mojo) {
    fails(mojo, "perf.slack.timeout: 'a bit' is not a duration; write e.g. 500ms, 30s, 2m");
  }

  @Test
  @InjectMojo(goal = "compare")
  void aWebhookThatIsNoUrlFailsNamingItsVariableNotItsValue(CompareMojo mojo) {
    mojo.env = Map.of("SLACK_WEBHOOK_PERFORMANCE", "hooks.slack.example/services/canary-hook-value");
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf:compare: the Slack performance webhook in ")
        .hasMessageContaining("SLACK_WEBHOOK_PERFORMANCE").hasMessageContaining("is not an http(s) URL")
        .hasMessageNotContaining("canary-hook-value");
    assertThat(build.written()).isEmpty();
    assertThat(build.log().text()).doesNotContain("canary-hook-value");
  }

  /** Bad configuration fails before any result is read (there are none here) and leaves nothing behind. */
  private void fails(CompareMojo mojo, String message) {
    mojo.env = Map.of();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
    assertThat(build.written()).isEmpty();
  }
}
