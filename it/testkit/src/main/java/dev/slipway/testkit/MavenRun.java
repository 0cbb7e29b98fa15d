package dev.slipway.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real Maven build of a test project in a forked process, the way a user's CI would. The Maven installation is
 * the one running the outer build ({@code maven.home}, passed by failsafe); Slipway's freshly built plugins come from
 * the local repository named by {@code slipway.it.repo} (filled by {@code invoker:install}), with the outer build's
 * repository chained read-only behind it so nothing is downloaded twice.
 */
public final class MavenRun {
  private final Path projectDir;
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private Path settings;
  private final List<String> jvmOptions = new ArrayList<>();

  private MavenRun(Path projectDir) {
    this.projectDir = projectDir;
  }

  public static MavenRun in(Path projectDir) {
    return new MavenRun(projectDir);
  }

  public MavenRun args(String... more) {
    args.addAll(List.of(more));
    return this;
  }

  public MavenRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Extra options for the forked Maven's JVM (added to MAVEN_OPTS), e.g. {@code -Djdk.net.hosts.file=...}. */
  public MavenRun jvmOptions(String... options) {
    jvmOptions.addAll(List.of(options));
    return this;
  }

  /** More environment variables, e.g. {@link PodmanRuntime#environment()} to reach the test's container runtime. */
  public MavenRun env(Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  public MavenRun settings(Path settingsXml) {
    this.settings = settingsXml;
    return this;
  }

  /** The outcome of a forked build: its exit code and everything it printed. */
  public record Result(int exitCode, String log, Path logFile) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  public Result run() throws IOException, InterruptedException {
    String mavenHome = System.getProperty("maven.home");
    if (mavenHome == null) {
      throw new IllegalStateException("maven.home is not set: run this test through ./mvnw (failsafe passes it)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(mavenHome, "bin", "mvn").toString());
    cmd.add("-B");
    cmd.add("-ntp");
    String itRepo = System.getProperty("slipway.it.repo");
    if (itRepo != null) {
      cmd.add("-Dmaven.repo.local=" + itRepo);
      String outer = System.getProperty("slipway.outer.repo");
      if (outer != null) {
        cmd.add("-Dmaven.repo.local.tail=" + outer);
      }
    }
    if (settings != null) {
      cmd.add("-s");
      cmd.add(settings.toString());
    }
    cmd.addAll(args);
    Path logFile = Files.createTempFile("slipway-mvn", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(projectDir.toFile()).redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    pb.environment().putAll(env);
    pb.environment().put("MAVEN_OPTS", String.join(" ", List.of("-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        String.join(" ", jvmOptions))).strip());
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("forked Maven build timed out in " + projectDir + "; log: " + logFile);
    }
    return new Result(p.exitValue(), Files.readString(logFile), logFile);
  }
}
