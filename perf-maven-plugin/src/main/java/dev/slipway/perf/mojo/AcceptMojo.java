package dev.slipway.perf.mojo;

import dev.slipway.perf.history.AcceptRunner;
import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Accepts an intended change of performance: writes a marker into the history so that later {@code perf:compare}
 * runs judge the covered metrics only against builds from the given commit on. Run it on the main branch after
 * merging a change that is meant to be slower (or when moving to other hardware), e.g. {@code mvn perf:accept
 * -Dperf.acceptReason="TLS on by default"}. Not bound to a phase.
 */
@Mojo(name = "accept", requiresProject = false, threadSafe = true)
public class AcceptMojo extends AbstractMojo {

  /** Skip. */
  @Parameter(property = "perf.skip", defaultValue = "false")
  boolean skip;

  /** The JSON-lines history file. */
  @Parameter(property = "perf.history", defaultValue = "${project.basedir}/.slipway/perf-history.jsonl")
  File history;

  /** Metrics whose shift is accepted: comma-separated globs on metric or endpoint/metric; {@code *} = all. */
  @Parameter(property = "perf.acceptMetrics", defaultValue = "*")
  String acceptMetrics;

  /** First commit of the new normal; default this checkout's commit. */
  @Parameter(property = "perf.acceptCommit")
  String acceptCommit;

  /** Why the shift is intended; shown in every later report. */
  @Parameter(property = "perf.acceptReason")
  String acceptReason;

  /** Lines the history keeps. */
  @Parameter(property = "perf.historyMaxEntries", defaultValue = "2000")
  int historyMaxEntries;

  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("perf:accept skipped (perf.skip)");
      return;
    }
    List<String> metrics = Arrays.stream((acceptMetrics == null ? "*" : acceptMetrics).split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
    java.nio.file.Path dir = basedir != null && !basedir.getPath().contains("${") ? basedir.toPath()
        : java.nio.file.Path.of("").toAbsolutePath();
    try {
      new AcceptRunner(Clock.systemUTC(), GateMojoSupport.log(getLog())).run(new AcceptRunner.Config(
          GateMojoSupport.path(history, ".slipway/perf-history.jsonl"), metrics, acceptCommit, acceptReason,
          historyMaxEntries, dir, System.getenv()));
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("perf:accept: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("perf:accept: cannot write " + history + ": " + e.getMessage(), e);
    }
  }
}
