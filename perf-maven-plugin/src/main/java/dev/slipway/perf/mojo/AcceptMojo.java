package dev.slipway.perf.mojo;

import dev.slipway.perf.history.AcceptRunner;
import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
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

  /** First commit of the new normal, as its hash (4 to 64 hex digits); default this checkout's commit. */
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

  /** The process environment (CI's git variables); tests replace it. */
  java.util.Map<String, String> env = System.getenv();

  private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{4,64}");

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("perf:accept skipped (perf.skip)");
      return;
    }
    AcceptRunner.Config config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("perf:accept: " + e.getMessage(), e);
    }
    try {
      new AcceptRunner(Clock.systemUTC(), GateMojoSupport.log(getLog())).run(config);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("perf:accept: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("perf:accept: cannot write " + history + ": " + e.getMessage(), e);
    }
  }

  /** The validated configuration; a bad value throws IllegalArgumentException naming its parameter. */
  AcceptRunner.Config config() {
    List<String> metrics = Arrays.stream((acceptMetrics == null ? "*" : acceptMetrics).split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
    // a branch or HEAD would never match a recorded commit, and the shift would silently start "from now"
    if (acceptCommit != null && !acceptCommit.isBlank() && !COMMIT.matcher(acceptCommit.strip()).matches()) {
      throw new IllegalArgumentException("perf.acceptCommit = '" + acceptCommit.strip() + "' is not a commit hash; "
          + "expected 4 to 64 hex digits, e.g. the output of git rev-parse HEAD");
    }
    if (historyMaxEntries < 1) {
      throw new IllegalArgumentException("perf.historyMaxEntries = " + historyMaxEntries + " is not accepted; "
          + "expected >= 1");
    }
    java.nio.file.Path dir = basedir != null && !basedir.getPath().contains("${") ? basedir.toPath()
        : java.nio.file.Path.of("").toAbsolutePath();
    return new AcceptRunner.Config(GateMojoSupport.path(history, ".slipway/perf-history.jsonl"), metrics,
        acceptCommit, acceptReason, historyMaxEntries, dir, env);
  }
}
