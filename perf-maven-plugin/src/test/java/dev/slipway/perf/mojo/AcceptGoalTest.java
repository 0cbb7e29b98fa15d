package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.perf.history.AcceptRunner;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * perf:accept's parameters as Maven binds them, in-process, and the marker line the goal appends to the history.
 * What a marker does to later comparisons is {@code HistoryBaseline}'s tests' business.
 */
@MojoGoalTest
class AcceptGoalTest {
  static final String POM = "<project><build><plugins><plugin><artifactId>perf-maven-plugin</artifactId>"
      + "<configuration>";
  static final String END = "</configuration></plugin></plugins></build></project>";
  static final String COMMIT = "3f9a2c1d5e7b9a0c2e4f6a8b0c2d4e6f8a0b2c4d";

  @Inject TestBuild build;

  private List<JsonNode> history(String path) throws Exception {
    ObjectMapper json = new ObjectMapper();
    return Files.readAllLines(build.path(path)).stream().map(l -> {
      try {
        return json.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
  }

  @Test
  @InjectMojo(goal = "accept")
  void defaults(AcceptMojo mojo) {
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.history).isEqualTo(build.path(".slipway/perf-history.jsonl").toFile());
    assertThat(mojo.acceptMetrics).isEqualTo("*");
    assertThat(mojo.acceptCommit).as("this checkout's commit").isNull();
    assertThat(mojo.acceptReason).isNull();
    assertThat(mojo.historyMaxEntries).isEqualTo(2000);
    assertThat(mojo.basedir).isEqualTo(build.dir().toFile());
    AcceptRunner.Config c = mojo.config();
    assertThat(c.metrics()).containsExactly("*");
    assertThat(c.projectDir()).isEqualTo(build.dir());
  }

  @Test
  @InjectMojo(goal = "accept")
  @UserProperty(name = "perf.history", value = "ci/history.jsonl")
  @UserProperty(name = "perf.acceptMetrics", value = "p99, GET /orders/p50")
  @UserProperty(name = "perf.acceptCommit", value = COMMIT)
  @UserProperty(name = "perf.acceptReason", value = "TLS on by default")
  @UserProperty(name = "perf.historyMaxEntries", value = "50")
  void everyPropertyBinds(AcceptMojo mojo) {
    AcceptRunner.Config c = mojo.config();
    assertThat(c.history()).isEqualTo(build.path("ci/history.jsonl"));
    assertThat(c.metrics()).containsExactly("p99", "GET /orders/p50");
    assertThat(c.commit()).isEqualTo(COMMIT);
    assertThat(c.reason()).isEqualTo("TLS on by default");
    assertThat(c.maxEntries()).isEqualTo(50);
  }

  @Test
  @InjectMojo(goal = "accept", pom = POM + "<acceptMetrics>throughput</acceptMetrics><acceptReason>new hardware"
      + "</acceptReason><history>perf/history.jsonl</history>" + END)
  @UserProperty(name = "perf.acceptReason", value = "not this one")
  void pomConfigurationBindsAndBeatsTheProperty(AcceptMojo mojo) {
    AcceptRunner.Config c = mojo.config();
    assertThat(c.metrics()).containsExactly("throughput");
    assertThat(c.reason()).isEqualTo("new hardware");
    assertThat(c.history()).isEqualTo(build.path("perf/history.jsonl"));
  }

  @Test
  @InjectMojo(goal = "accept")
  @UserProperty(name = "perf.acceptMetrics", value = "p99")
  @UserProperty(name = "perf.acceptCommit", value = "3f9a2c1")
  @UserProperty(name = "perf.acceptReason", value = "TLS on by default")
  @UserProperty(name = "perf.historyMaxEntries", value = "2")
  void theMarkerIsAppendedAndTheHistoryKeptToItsLength(AcceptMojo mojo) throws Exception {
    Files.createDirectories(build.path(".slipway"));
    Files.writeString(build.path(".slipway/perf-history.jsonl"),
        "{\"v\":2,\"time\":\"2026-01-01T00:00:00Z\",\"context\":{},\"accept\":{\"metrics\":[\"old\"]}}\n"
        + "{\"v\":2,\"time\":\"2026-01-02T00:00:00Z\",\"context\":{},\"accept\":{\"metrics\":[\"older\"]}}\n");
    mojo.env = Map.of();
    mojo.execute();

    List<JsonNode> lines = history(".slipway/perf-history.jsonl");
    assertThat(lines).as("perf.historyMaxEntries=2: the oldest line is dropped").hasSize(2);
    assertThat(lines.get(0).path("accept").path("metrics").get(0).asText()).isEqualTo("older");
    JsonNode accept = lines.get(1).path("accept");
    assertThat(accept.path("metrics").get(0).asText()).isEqualTo("p99");
    assertThat(accept.path("commit").asText()).isEqualTo("3f9a2c1");
    assertThat(accept.path("reason").asText()).isEqualTo("TLS on by default");
    assertThat(build.log().lines()).anySatisfy(l -> assertThat(l)
        .startsWith("[INFO] perf:accept: recorded in " + build.path(".slipway/perf-history.jsonl")
            + " that p99 have a new normal from commit 3f9a2c1 (TLS on by default)"));
  }

  @Test
  @InjectMojo(goal = "accept")
  @UserProperty(name = "perf.skip")
  @UserProperty(name = "perf.acceptCommit", value = "HEAD")
  void skipDoesNothingNotEvenCheckTheConfiguration(AcceptMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:accept skipped (perf.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "accept")
  @UserProperty(name = "perf.acceptCommit", value = "HEAD")
  void aCommitThatIsNoHashIsRefused(AcceptMojo mojo) {
    mojo.env = Map.of();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("perf:accept: perf.acceptCommit = 'HEAD' is not a commit hash; expected 4 to 64 hex digits, "
            + "e.g. the output of git rev-parse HEAD");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "accept")
  @MojoParameter(name = "historyMaxEntries", value = "0")
  void aHistoryOfNoLinesIsRefused(AcceptMojo mojo) {
    mojo.env = Map.of();
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessage("perf:accept: perf.historyMaxEntries = 0 is not accepted; expected >= 1");
    assertThat(build.written()).isEmpty();
  }
}
