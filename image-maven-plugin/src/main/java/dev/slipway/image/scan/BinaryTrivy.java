package dev.slipway.image.scan;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Trivy as an executable on this machine: {@code image.scan.trivy}, else {@code trivy} on the PATH. Runs in the
 * build's environment plus the command's (so {@code TRIVY_*} variables apply as they would on the command line),
 * with stdout and stderr merged into the line consumer.
 */
public final class BinaryTrivy implements Trivy {
  private final Path executable;

  public BinaryTrivy(Path executable) {
    this.executable = executable;
  }

  /** {@code configured} when set, else the first {@code trivy} on {@code path}; null when there is none. */
  public static Path locate(Path configured, String path) {
    if (configured != null) {
      return configured;
    }
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "trivy");
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  @Override
  public int run(TrivyCommand command, Consumer<String> lines) throws IOException, ScanException {
    Files.createDirectories(command.output().getParent());
    Files.createDirectories(command.cacheDir());
    List<String> cmd = new ArrayList<>();
    cmd.add(executable.toString());
    cmd.addAll(command.render(command.input().toString(), command.cacheDir().toString(),
        command.output().toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(command.env());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new ScanException("cannot start " + executable + " (" + e.getMessage() + "): set image.scan.trivy to "
          + "the trivy executable, or use image.scan.engine=container", e);
    }
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.accept(line);
        }
      } catch (IOException ignored) {
        // the process went away; its exit code says how
      }
    }, "slipway-trivy-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new ScanException("Trivy did not finish scanning " + command.label() + " within "
            + dev.slipway.common.Durations.format(command.timeout()) + " (image.scan.timeout)");
      }
      reader.join(5000);
      return process.exitValue();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ScanException("interrupted while Trivy scanned " + command.label(), e);
    }
  }

  @Override
  public DbMetadata database(TrivyCommand lastCommand) throws IOException {
    return DbMetadata.readCache(lastCommand.cacheDir());
  }

  @Override
  public String describe() {
    return "binary " + executable;
  }
}
