package dev.slipway.perf.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;

/**
 * Finds the line of a JSON pointer in a YAML text, so errors found while interpreting the parsed tree can still
 * name the line a person has to fix.
 */
final class YamlPointers {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlPointers() {}

  /** The 1-based line where the value at {@code pointer} starts, or -1. */
  static int lineOf(String yaml, String pointer) {
    JsonPointer target = JsonPointer.compile(pointer.equals("/") ? "" : pointer);
    try (JsonParser p = FACTORY.createParser(yaml)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          continue;
        }
        JsonPointer here = p.getParsingContext().pathAsPointer();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          // The context of a container start is the container itself; its location is its own position.
          here = p.getParsingContext().getParent() == null ? JsonPointer.empty()
              : p.getParsingContext().getParent().pathAsPointer();
        }
        if (here.equals(target)) {
          return p.currentTokenLocation().getLineNr();
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
