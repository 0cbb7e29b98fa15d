package dev.slipway.perf.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.history.BaselineRunner;
import dev.slipway.perf.chart.HistoryCharts;
import dev.slipway.perf.history.BuildContext;
import dev.slipway.perf.history.HistoryFile;
import dev.slipway.perf.stats.EDivisive;
import dev.slipway.perf.results.ResultsReader;
import java.io.File;
import java.io.IOException;
import java.time.Clock;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Records this build's performance runs in the history (a JSON-lines file in the project) with their context, so
 * that {@code perf:compare} in later builds compares against them. Typically run on the main branch only.
 */
@Mojo(name = "baseline", defaultPhase = LifecyclePhase.VERIFY, requiresProject = false, threadSafe = true)
public class BaselineMojo extends AbstractMojo {

  /** Skip recording. */
  @Parameter(property = "perf.skip", defaultValue = "false")
  boolean skip;

  /** This build's results: a result file or a folder of them. */
  @Parameter(property = "perf.current", defaultValue = "${project.build.directory}/slipway/perf")
  File current;

  /** The JSON-lines history file. */
  @Parameter(property = "perf.history", defaultValue = "${project.basedir}/.slipway/perf-history.jsonl")
  File history;

  /** Lines (runs) the history keeps; the oldest are dropped beyond this. */
  @Parameter(property = "perf.historyMaxEntries", defaultValue = "2000")
  int historyMaxEntries;

  /** Extra context recorded with the runs, {@code key=value,...}, e.g. {@code runner=ubuntu-24.04}. */
  @Parameter(property = "perf.contextLabels")
  String contextLabels;

  /**
   * Where each metric's history is drawn (one SVG per metric, with its change points, and {@code history.md}
   * linking them) after recording; empty to draw nothing.
   */
  @Parameter(property = "perf.historyCharts", defaultValue = "${project.build.directory}/slipway/perf/history")
  File historyCharts;

  /** Context keys a history run must match to be drawn (as perf:compare's). */
  @Parameter(property = "perf.historyKeys", defaultValue = "os,arch,cpuCount,cpuModel,jdk")
  String historyKeys;

  /** E-Divisive window of the change points drawn (as perf:compare's). */
  @Parameter(property = "perf.changePointWindow", defaultValue = "50")
  int changePointWindow;

  /** E-Divisive significance of the change points drawn (as perf:compare's). */
  @Parameter(property = "perf.changePointPValue", defaultValue = "0.001")
  double changePointPValue;

  /** Directory used for git context (commit, branch). */
  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  /** The project's directory, or the working directory when run without a project. */
  private java.nio.file.Path projectDir() {
    return basedir != null ? basedir.toPath() : java.nio.file.Path.of("").toAbsolutePath();
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("perf:baseline skipped (perf.skip)");
      return;
    }
    var log = GateMojoSupport.log(getLog());
    try {
      BaselineRunner.Config config = new BaselineRunner.Config(
          GateMojoSupport.path(current, "target/slipway/perf"),
          GateMojoSupport.path(history, ".slipway/perf-history.jsonl"), historyMaxEntries,
          BuildContext.parseLabels(contextLabels, "perf.contextLabels"), projectDir(), System.getenv());
      BaselineRunner.Outcome outcome = new BaselineRunner(ResultsReader.standard(log), Clock.systemUTC(), log)
          .run(config);
      if (historyCharts != null && !historyCharts.getPath().isBlank()) {
        java.nio.file.Path dir = GateMojoSupport.path(historyCharts, "target/slipway/perf/history");
        java.util.List<String> keys = BuildContext.parseKeys(historyKeys);
        var entries = new HistoryFile(config.history()).read().stream()
            .filter(e -> e.matches(outcome.context(), keys)).toList();
        int n = HistoryCharts.write(entries, new EDivisive(changePointWindow, changePointPValue, 0), dir);
        log.info("perf:baseline: drew the history of " + n + " metric(s) in " + dir.resolve("history.md"));
      }
    } catch (InvalidInputException | IllegalArgumentException e) {
      throw new MojoFailureException("perf:baseline: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("perf:baseline: cannot write " + history + ": " + e.getMessage(), e);
    }
  }
}
