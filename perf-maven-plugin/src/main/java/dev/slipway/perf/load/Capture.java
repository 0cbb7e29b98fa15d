package dev.slipway.perf.load;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Artillery's {@code capture}: a value taken from a response into a variable of the virtual user, by JSON path
 * ({@code $.id}, {@code $.items[0].name}: dot and index steps, no wildcards or filters), regular expression (first
 * match, or {@code group} by number or name) or header. A capture that finds nothing fails the virtual user's flow
 * (Artillery's "Failed capture or match") unless {@code strict: false}.
 */
record Capture(Kind kind, String expression, String as, String group, boolean strict, JsonPointer pointer,
    Pattern regexp) {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind { JSON, REGEXP, HEADER }

  static Capture json(String path, String as, boolean strict) {
    return new Capture(Kind.JSON, path, as, null, strict, pointer(path), null);
  }

  static Capture regexp(String regexp, String flags, String group, String as, boolean strict) {
    int f = 0;
    for (char c : (flags == null ? "" : flags).toCharArray()) {
      switch (c) {
        case 'i' -> f |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        case 'm' -> f |= Pattern.MULTILINE;
        case 's' -> f |= Pattern.DOTALL;
        case 'g', 'u', 'y' -> { }
        default -> throw new IllegalArgumentException("regexp flag '" + c + "' is not one of g, i, m, s, u, y");
      }
    }
    return new Capture(Kind.REGEXP, regexp, as, group, strict, null, Pattern.compile(regexp, f));
  }

  static Capture header(String name, String as, boolean strict) {
    return new Capture(Kind.HEADER, name.toLowerCase(Locale.ROOT), as, null, strict, null, null);
  }

  /** {@code $.a.b[0]['c d']} as a JSON pointer; anything else (wildcards, filters, recursion) is refused. */
  static JsonPointer pointer(String path) {
    String p = path.strip();
    if (!p.startsWith("$")) {
      throw new IllegalArgumentException("JSON path '" + path + "' does not start with $");
    }
    StringBuilder ptr = new StringBuilder();
    Matcher m = Pattern.compile("\\.([A-Za-z_$][\\w$-]*)|\\[(\\d+)]|\\['([^']*)']|\\[\"([^\"]*)\"]").matcher(p);
    int at = 1;
    while (at < p.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("JSON path '" + path + "' is not supported at '" + p.substring(at)
            + "': only $.name, [index] and ['name'] steps (no *, .., filters or slices)");
      }
      String seg = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
          : m.group(3) != null ? m.group(3) : m.group(4);
      ptr.append('/').append(seg.replace("~", "~0").replace("/", "~1"));
      at = m.end();
    }
    return JsonPointer.compile(ptr.toString());
  }

  /** The captured value, or null when the response has none. */
  JsonNode extract(Map<String, String> headers, byte[] body) {
    switch (kind) {
      case HEADER -> {
        String v = headers.get(expression);
        return v == null || v.isEmpty() ? null : TextNode.valueOf(v);
      }
      case JSON -> {
        try {
          JsonNode doc = JSON.readTree(body);
          if (doc == null) {
            return null;
          }
          JsonNode v = doc.at(pointer);
          return v.isMissingNode() || v.isNull() || (v.isTextual() && v.asText().isEmpty()) ? null : v;
        } catch (java.io.IOException e) {
          return null;
        }
      }
      default -> {
        Matcher m = regexp.matcher(new String(body, StandardCharsets.UTF_8));
        if (!m.find()) {
          return null;
        }
        String v;
        if (group == null) {
          v = m.group();
        } else if (group.matches("\\d+")) {
          int g = Integer.parseInt(group);
          v = g <= m.groupCount() ? m.group(g) : null;
        } else {
          try {
            v = m.group(group);
          } catch (IllegalArgumentException e) {
            v = null;
          }
        }
        return v == null || v.isEmpty() ? null : TextNode.valueOf(v);
      }
    }
  }
}
