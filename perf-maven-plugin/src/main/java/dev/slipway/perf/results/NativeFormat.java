package dev.slipway.perf.results;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import java.nio.file.Path;
import java.util.List;

/** Slipway's own result files (see {@link RunResult}); a file holds one run. */
public final class NativeFormat implements ResultFormat {

  @Override
  public String name() {
    return "Slipway result v" + RunResult.SCHEMA_VERSION;
  }

  @Override
  public String expectedShape() {
    return "{\"schemaVersion\": 1, \"tool\": ..., \"model\": \"OPEN|CLOSED|UNKNOWN\", \"durationSeconds\": ..., "
        + "\"endpoints\": [{\"name\", \"requests\", \"errors\", \"throughput\", \"latency\", \"metrics\"}]}";
  }

  @Override
  public boolean detects(Path file, JsonNode json, String head) {
    return json != null && json.isObject() && json.has("schemaVersion") && json.has("endpoints");
  }

  @Override
  public List<RunResult> read(Path file, JsonNode json) throws InvalidInputException {
    JsonNode version = json.get("schemaVersion");
    if (!version.canConvertToInt() || version.asInt() < 1) {
      throw new InvalidInputException(file + " at /schemaVersion: expected a positive integer, found " + version);
    }
    if (version.asInt() > RunResult.SCHEMA_VERSION) {
      throw new InvalidInputException(file + " at /schemaVersion: version " + version.asInt()
          + " was written by a newer Slipway; this one reads up to " + RunResult.SCHEMA_VERSION);
    }
    if (!json.get("endpoints").isArray()) {
      throw new InvalidInputException(file + " at /endpoints: expected an array of endpoint results");
    }
    try {
      RunResult result = Json.mapper().treeToValue(json, RunResult.class);
      return List.of(result);
    } catch (JsonMappingException e) {
      throw new InvalidInputException(
          file + " at " + pointer(e) + ": " + e.getOriginalMessage() + " (expected " + expectedShape() + ")", e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidInputException(file + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON pointer of the value Jackson failed on, e.g. {@code /endpoints/0/latency/p99}. */
  static String pointer(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      sb.append('/');
      if (ref.getFieldName() != null) {
        sb.append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else {
        sb.append(ref.getIndex());
      }
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }
}
