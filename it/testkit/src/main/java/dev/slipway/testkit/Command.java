package dev.slipway.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an outside program to its end with a time limit, its output captured (the kit's podman, tar, mmdebstrap). */
final class Command {
  private Command() {}

  /** What a finished program printed, and its exit code. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The output, or an {@link IOException} naming the command, its exit code and what it printed on stderr. */
    String orThrow() throws IOException {
      if (!ok()) {
        throw new IOException(String.join(" ", command) + " failed with exit code " + exitCode + ": "
            + (stderr.isBlank() ? stdout : stderr).strip());
      }
      return stdout;
    }
  }

  static Result run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    // stdout and stderr go to files: reading one pipe to its end while the other fills up would deadlock
    Path out = Files.createTempFile("slipway-cmd", ".out");
    Path err = Files.createTempFile("slipway-cmd", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout + ": "
            + read(err).strip());
      }
      return new Result(command, p.exitValue(), read(out),
          read(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Runs a long program whose output (stdout and stderr together) is kept in {@code log}; fails with its tail. */
  static void runLogged(List<String> command, Map<String, String> env, Duration timeout, Path log)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(p);
      throw e;
    }
    if (!finished) {
      kill(p);
      throw new IOException(command.get(0) + " did not finish within " + timeout + "; log: " + log);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue() + "; log: " + log
          + "\n" + tail(log, 20));
    }
  }

  /** Kills a program and everything it started (mmdebstrap's workers would outlive it). */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /** A file's text; bytes that are not UTF-8 (a program's raw output) become replacement characters. */
  static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  static String tail(Path file, int lines) throws IOException {
    List<String> all = read(file).lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
