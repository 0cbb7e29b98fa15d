package dev.slipway.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * One of artillery-plugin-expect's checks on a response, with the plugin's semantics: {@code statusCode} and
 * {@code notStatusCode} (a code or a list, templates allowed), {@code contentType} ({@code json} means a JSON
 * content type and a body that parses, anything else an exact, case-insensitive match), {@code hasHeader},
 * {@code headerEquals [name, value]}, {@code hasProperty} / {@code notHasProperty} (a path into the JSON body),
 * {@code equals} (all listed values, after templating, are equal) and {@code matchesRegexp} (on the body). A
 * failed status check is a {@code status} error, any other a {@code check} error.
 */
record Check(Kind kind, List<Template> args) {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    STATUS_CODE("statusCode"), NOT_STATUS_CODE("notStatusCode"), CONTENT_TYPE("contentType"),
    HAS_HEADER("hasHeader"), HEADER_EQUALS("headerEquals"), HAS_PROPERTY("hasProperty"),
    NOT_HAS_PROPERTY("notHasProperty"), EQUALS("equals"), MATCHES_REGEXP("matchesRegexp");

    final String key;

    Kind(String key) {
      this.key = key;
    }

    static Kind of(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      return null;
    }

    static String names() {
      return String.join(", ", java.util.Arrays.stream(values()).map(k -> k.key).toList());
    }
  }

  Check {
    args = List.copyOf(args);
  }

  /** Whether the check needs the response headers or body kept. */
  boolean needsResponse() {
    return kind != Kind.STATUS_CODE && kind != Kind.NOT_STATUS_CODE && kind != Kind.EQUALS;
  }

  boolean isStatus() {
    return kind == Kind.STATUS_CODE || kind == Kind.NOT_STATUS_CODE;
  }

  /** Whether the response passes. */
  boolean test(int status, Map<String, String> headers, byte[] body, Map<String, JsonNode> vars,
      SplittableRandom random) {
    switch (kind) {
      case STATUS_CODE, NOT_STATUS_CODE -> {
        boolean any = false;
        for (Template t : args) {
          JsonNode v = t.value(vars, random);
          if (v.isArray()) {
            for (JsonNode x : v) {
              any |= number(x) == status;
            }
          } else {
            any |= number(v) == status;
          }
        }
        return kind == Kind.STATUS_CODE ? any : !any;
      }
      case CONTENT_TYPE -> {
        String want = args.get(0).render(vars, random);
        String ct = headers.getOrDefault("content-type", "");
        if (want.equals("json")) {
          if (!(ct.contains("application/json") || ct.contains("application/problem+json")
              || ct.contains("application/ld+json"))) {
            return false;
          }
          JsonNode doc = parse(body);
          return doc != null && (doc.isObject() || doc.isArray());
        }
        return ct.toLowerCase(Locale.ROOT).equals(want.toLowerCase(Locale.ROOT));
      }
      case HAS_HEADER -> {
        return headers.containsKey(args.get(0).render(vars, random).toLowerCase(Locale.ROOT));
      }
      case HEADER_EQUALS -> {
        String v = headers.get(args.get(0).render(vars, random).toLowerCase(Locale.ROOT));
        return v != null && v.equals(args.size() > 1 ? args.get(1).render(vars, random) : "");
      }
      case HAS_PROPERTY, NOT_HAS_PROPERTY -> {
        JsonNode doc = parse(body);
        if (doc == null || !doc.isContainerNode()) {
          return false;
        }
        boolean has = Template.lookup(Map.of("$", doc), "$." + args.get(0).render(vars, random)) != null;
        return kind == Kind.HAS_PROPERTY ? has : !has;
      }
      case EQUALS -> {
        String first = null;
        for (Template t : args) {
          String v = t.render(vars, random);
          if (first == null) {
            first = v;
          } else if (!first.equals(v)) {
            return false;
          }
        }
        return true;
      }
      case MATCHES_REGEXP -> {
        return Pattern.compile(args.get(0).render(vars, random)).matcher(new String(body, StandardCharsets.UTF_8))
            .find();
      }
      default -> throw new IllegalStateException(kind.name());
    }
  }

  private static int number(JsonNode v) {
    try {
      return v.isNumber() ? v.asInt() : Integer.parseInt(v.asText().strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return kind.key + " " + args;
  }
}
