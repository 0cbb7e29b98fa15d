package dev.slipway.perf.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads results from a file or a folder, detecting each file's format: Slipway's own schema, or one of the ingested
 * tools' formats found on the class path ({@link ResultFormat} services). Every result records the file it came from
 * in {@link RunResult#source()}.
 *
 * <p>A file named explicitly must be in a known format. In a folder, files no format recognises are skipped (and
 * logged at debug), because tool output folders hold other files too (Gatling's report, HdrHistogram logs); a
 * recognised file that is malformed still fails.
 */
public final class ResultsReader {
  private static final int HEAD_BYTES = 8192;

  private final List<ResultFormat> formats;
  private final Log log;

  public ResultsReader(List<ResultFormat> formats, Log log) {
    this.formats = List.copyOf(formats);
    this.log = log;
  }

  /** A reader for Slipway's own format and every ingested format on the class path. */
  public static ResultsReader standard(Log log) {
    List<ResultFormat> all = new ArrayList<>();
    all.add(new NativeFormat());
    ServiceLoader.load(ResultFormat.class, ResultFormat.class.getClassLoader()).forEach(all::add);
    return new ResultsReader(all, log);
  }

  public List<ResultFormat> formats() {
    return formats;
  }

  /** Reads {@code path}: one file, or every recognised file below a folder (in path order). */
  public List<RunResult> read(Path path) throws InvalidInputException {
    if (Files.isDirectory(path)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(path)) {
        files = walk.filter(Files::isRegularFile)
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .sorted()
            .collect(Collectors.toList());
      } catch (IOException e) {
        throw new InvalidInputException(path + ": cannot list folder (" + e.getMessage() + ")", e);
      }
      List<RunResult> results = new ArrayList<>();
      for (Path file : files) {
        Detected d = detect(file);
        if (d == null) {
          log.debug("skipping " + file + ": not a result file in any known format");
          continue;
        }
        results.addAll(readAs(d, file));
      }
      return results;
    }
    Detected d = detect(path);
    if (d == null) {
      throw new InvalidInputException(path + ": not a result file in any known format; expected one of: "
          + formats.stream().map(f -> f.name() + " " + f.expectedShape()).collect(Collectors.joining("; ")));
    }
    return readAs(d, path);
  }

  private List<RunResult> readAs(Detected d, Path file) throws InvalidInputException {
    List<RunResult> out = new ArrayList<>();
    for (RunResult r : d.format.read(file, d.json)) {
      out.add(r.source() == null ? r.withSource(file.toString()) : r);
    }
    return out;
  }

  private record Detected(ResultFormat format, JsonNode json) {}

  private Detected detect(Path file) throws InvalidInputException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": file not found (expected a result file or a folder of them)", e);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    String head = new String(bytes, 0, Math.min(bytes.length, HEAD_BYTES), StandardCharsets.UTF_8);
    JsonNode json = null;
    String trimmed = head.stripLeading();
    boolean looksJson = trimmed.startsWith("{") || trimmed.startsWith("[");
    if (looksJson) {
      try {
        json = Json.mapper().readTree(bytes);
      } catch (JsonProcessingException e) {
        if (file.getFileName().toString().endsWith(".json")) {
          var loc = e.getLocation();
          String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
          throw new InvalidInputException(file + where + ": malformed JSON (" + e.getOriginalMessage() + ")", e);
        }
      } catch (IOException e) {
        throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")", e);
      }
    }
    for (ResultFormat f : formats) {
      if (f.detects(file, json, head)) {
        return new Detected(f, json);
      }
    }
    return null;
  }
}
