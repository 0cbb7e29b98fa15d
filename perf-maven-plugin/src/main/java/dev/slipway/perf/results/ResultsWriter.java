package dev.slipway.perf.results;

import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.file.Path;

/** Writes results in Slipway's schema, atomically, so a reader never sees a half-written file. */
public final class ResultsWriter {
  private ResultsWriter() {}

  /** Writes {@code result} to {@code file} (replacing it). */
  public static void write(Path file, RunResult result) throws IOException {
    Json.writeFile(file, result);
  }

  /**
   * Writes {@code result} into {@code dir} as {@code <name>-run-<n>.json} ({@code <name>.json} when the result has
   * no run index) and returns the file.
   */
  public static Path writeRun(Path dir, String name, RunResult result) throws IOException {
    String fileName = result.run() == null ? name + ".json" : name + "-run-" + result.run() + ".json";
    Path file = dir.resolve(fileName);
    write(file, result);
    return file;
  }
}
