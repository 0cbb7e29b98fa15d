package dev.slipway.perf.results;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import java.nio.file.Path;
import java.util.List;

/**
 * A file format that results can be read from: Slipway's own schema, or another tool's output that is ingested into
 * {@link RunResult}s. Implementations are found with {@link java.util.ServiceLoader} so that {@link ResultsReader}
 * auto-detects every format on the class path.
 */
public interface ResultFormat {

  /** Short name used in messages, e.g. {@code "JMH JSON"}. */
  String name();

  /** What a file of this format looks like, for error messages. */
  String expectedShape();

  /**
   * Whether {@code file} is in this format.
   *
   * @param json the parsed document when the file is JSON, else {@code null}
   * @param head the first few kilobytes of the file as text
   */
  boolean detects(Path file, JsonNode json, String head);

  /** Reads the results in {@code file}; malformed content names the file, the line or JSON pointer and the shape. */
  List<RunResult> read(Path file, JsonNode json) throws InvalidInputException;
}
