package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.perf.compare.Runs;
import dev.slipway.perf.results.ResultsWriter;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.file.Files;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/** perf:baseline's parameters as Maven binds them, in-process: where it reads and records, labels, limits, skip. */
@MojoGoalTest
class BaselineGoalTest {
  @Inject TestBuild build;

  private void threeRuns(String dir) throws Exception {
    for (int i = 1; i <= 3; i++) {
      ResultsWriter.writeRun(build.path(dir), "load", Runs.run(i, Runs.http("GET /x", 10 + i, 100, 1000, 0)));
    }
  }

  @Test
  @InjectMojo(goal = "baseline")
  void defaultsReadTargetAndRecordInTheProject(BaselineMojo mojo) throws Exception {
    assertThat(mojo.current).isEqualTo(build.path("target/slipway/perf").toFile());
    assertThat(mojo.history).isEqualTo(build.path(".slipway/perf-history.jsonl").toFile());
    assertThat(mojo.historyMaxEntries).isEqualTo(2000);
    assertThat(mojo.contextLabels).isNull();
    assertThat(mojo.skip).isFalse();

    threeRuns("target/slipway/perf");
    mojo.execute();
    assertThat(Files.readAllLines(build.path(".slipway/perf-history.jsonl"))).hasSize(3);
  }

  @Test
  @InjectMojo(goal = "baseline")
  @UserProperty(name = "perf.current", value = "results")
  @UserProperty(name = "perf.history", value = "ci/history.jsonl")
  @UserProperty(name = "perf.historyMaxEntries", value = "2")
  @UserProperty(name = "perf.contextLabels", value = "runner=ci-large,env=ci")
  void propertiesChooseFilesLabelsAndTheLimit(BaselineMojo mojo) throws Exception {
    threeRuns("results");
    mojo.execute();
    List<String> lines = Files.readAllLines(build.path("ci/history.jsonl"));
    assertThat(lines).as("the oldest run is dropped beyond perf.historyMaxEntries").hasSize(2);
    assertThat(lines).allSatisfy(l -> assertThat(l).contains("\"runner\":\"ci-large\"").contains("\"env\":\"ci\""));
  }

  @Test
  @InjectMojo(goal = "baseline")
  @UserProperty(name = "perf.historyMaxEntries", value = "5")
  @MojoParameter(name = "historyMaxEntries", value = "7")
  void thePomBeatsTheProperty(BaselineMojo mojo) {
    assertThat(mojo.historyMaxEntries).isEqualTo(7);
  }

  @Test
  @InjectMojo(goal = "baseline")
  @UserProperty(name = "perf.skip")
  @UserProperty(name = "perf.contextLabels", value = "broken")
  void skipRecordsNothing(BaselineMojo mojo) throws Exception {
    threeRuns("target/slipway/perf");
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:baseline skipped (perf.skip)");
    assertThat(build.path(".slipway")).doesNotExist();
  }

  @Test
  @InjectMojo(goal = "baseline")
  void missingResultsAreNamedWithWhatMakesThem(BaselineMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.current = " + build.path("target/slipway/perf") + ": no such file or folder; "
            + "run perf:load");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "baseline")
  @UserProperty(name = "perf.contextLabels", value = "runner")
  void aBadContextLabelNamesThePropertyAndTheForm(BaselineMojo mojo) throws Exception {
    threeRuns("target/slipway/perf");
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.contextLabels: 'runner' is not of the form key=value");
    assertThat(build.path(".slipway")).doesNotExist();
  }
}
