package dev.slipway.perf.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import java.nio.file.Path;

/**
 * Reading values out of another tool's JSON with errors that name the file, the JSON pointer and the expected
 * shape. Tools write numbers as strings at times (Gatling's stats, JMH's NaN/Infinity), so numeric strings count.
 */
final class Nodes {
  private final Path file;
  private final String shape;

  Nodes(Path file, String shape) {
    this.file = file;
    this.shape = shape;
  }

  InvalidInputException error(String pointer, String message) {
    return new InvalidInputException(file + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + message
        + " (expected " + shape + ")");
  }

  JsonNode object(JsonNode parent, String field, String at) throws InvalidInputException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isObject()) {
      throw error(at + "/" + field, n == null ? "missing object '" + field + "'" : "'" + field + "' is not an object");
    }
    return n;
  }

  JsonNode array(JsonNode parent, String field, String at) throws InvalidInputException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isArray()) {
      throw error(at + "/" + field, n == null ? "missing array '" + field + "'" : "'" + field + "' is not an array");
    }
    return n;
  }

  String text(JsonNode parent, String field, String at) throws InvalidInputException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isValueNode() || n.isNull()) {
      throw error(at + "/" + field, "missing text '" + field + "'");
    }
    return n.asText();
  }

  /** A required number (numeric strings, NaN and infinities as JMH writes them, are accepted). */
  double number(JsonNode n, String at) throws InvalidInputException {
    Double d = optNumber(n, at);
    if (d == null) {
      throw error(at, "missing number");
    }
    return d;
  }

  double number(JsonNode parent, String field, String at) throws InvalidInputException {
    return number(parent.get(field), at + "/" + field);
  }

  /** A number, or null when absent, null or a placeholder such as Gatling's "-". */
  Double optNumber(JsonNode n, String at) throws InvalidInputException {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      String s = n.asText().trim();
      if (s.isEmpty() || s.equals("-")) {
        return null;
      }
      switch (s) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
        case "+Infinity":
        case "INF":
        case "+INF":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
        case "-INF":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(s);
          } catch (NumberFormatException e) {
            throw error(at, "'" + s + "' is not a number");
          }
      }
    }
    throw error(at, "expected a number, found " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
  }

  Double optNumber(JsonNode parent, String field, String at) throws InvalidInputException {
    return optNumber(parent.get(field), at + "/" + field);
  }
}
