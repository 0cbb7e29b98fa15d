package dev.slipway.perf.load;

import dev.slipway.common.Log;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The service under test, forked for the duration of a load test ({@code perf.start}): started from a command (or
 * {@code java -jar} of the packaged jar), its output sent to a log file, considered up once its health URL answers
 * 2xx/3xx from this process (not from another holder of its port), and stopped (SIGTERM, then kill after a grace
 * period, children included) when closed.
 */
public final class ServiceProcess implements StartedService {
  private static final Duration GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final Path logFile;
  private final Log log;

  private ServiceProcess(Process process, Path logFile, Log log) {
    this.process = process;
    this.logFile = logFile;
    this.log = log;
  }

  /**
   * Turns {@code perf.start} into a command: a path ending in {@code .jar} (or the word {@code jar}, meaning
   * {@code packagedJar}) runs with this JVM's {@code java -jar}; anything else is split into words (double or single
   * quotes group words).
   */
  public static List<String> command(String spec, Path packagedJar) throws dev.slipway.common.InvalidInputException {
    String s = spec.trim();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    if (s.equals("jar")) {
      if (packagedJar == null || !Files.isRegularFile(packagedJar)) {
        throw new dev.slipway.common.InvalidInputException("perf.start=jar: the project has no packaged jar ("
            + packagedJar + "); run the package phase first, or give a jar path or a command");
      }
      return List.of(java, "-jar", packagedJar.toString());
    }
    List<String> words = split(s);
    if (words.isEmpty()) {
      throw new dev.slipway.common.InvalidInputException("perf.start is empty; give 'jar', a jar path or a command");
    }
    if (words.size() == 1 && words.get(0).endsWith(".jar")) {
      return List.of(java, "-jar", words.get(0));
    }
    return words;
  }

  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (char c : s.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        any = true;
      } else if (Character.isWhitespace(c)) {
        if (any || cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(c);
      }
    }
    if (any || cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  /**
   * Starts {@code command} in {@code workDir} with {@code environment} added to this process's, and waits until
   * {@code health} answers from it, at most {@code timeout}. Refuses to start when {@code health}'s port on this
   * machine is taken already, and fails when the answer comes from another process (see {@link Readiness}). If the
   * calling thread is interrupted meanwhile, the service is stopped, the interrupt flag is kept, and the exception
   * says it was interrupted.
   */
  public static ServiceProcess start(List<String> command, java.util.Map<String, String> environment, Path workDir,
      Path logFile, URI health, Duration timeout, Log log) throws ServiceStartException {
    Readiness.requireFreePort(health);
    Process p;
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(logFile.toFile());
      pb.environment().putAll(environment);
      p = pb.start();
    } catch (IOException e) {
      throw new ServiceStartException("perf.start: cannot run " + command.get(0) + " (" + e.getMessage() + ")", e);
    }
    ServiceProcess service = new ServiceProcess(p, logFile, log);
    log.info("started service (pid " + p.pid() + "), waiting up to " + LoadRunner.human(timeout) + " for " + health
        + "; its output goes to " + logFile);
    Readiness.await(service, health, timeout, log);
    return service;
  }

  @Override
  public String describe() {
    return "the service (pid " + process.pid() + ")";
  }

  @Override
  public Optional<String> ended() {
    return process.isAlive() ? Optional.empty() : Optional.of("exited with status " + process.exitValue());
  }

  @Override
  public Set<Long> processes() {
    return LocalPorts.tree(process.pid());
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public String tail() {
    return StartedService.tailOf(logFile);
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("service (pid " + process.pid() + ") ignored SIGTERM for " + LoadRunner.human(GRACE)
            + "; killing it");
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    log.info("stopped service (pid " + process.pid() + ")");
  }
}
