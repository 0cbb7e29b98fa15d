package dev.slipway.perf.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A service a perf goal started for its load ({@code perf.start}): a forked process ({@link ServiceProcess}) or a
 * container of the built image ({@link ServiceContainer}). Closing it stops it.
 */
public interface StartedService extends AutoCloseable {
  /** What it is, for log lines: "the service (pid 123)", "container 0a1b2c of repo@sha256:…". */
  String describe();

  /** Empty while it runs; otherwise how it ended, e.g. "exited with status 1". */
  Optional<String> ended();

  /**
   * The host processes that are the service (its process and children), for checking that the port answering its
   * health URL is its own; empty when they cannot be known here.
   */
  Set<Long> processes();

  /** The last lines of its output. */
  String tail();

  @Override
  void close();

  /** The last 20 lines of a service's output file, or why there are none. */
  static String tailOf(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
