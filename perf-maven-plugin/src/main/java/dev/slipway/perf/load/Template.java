package dev.slipway.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Artillery's {@code {{ }}} templates: a variable path ({@code id}, {@code user.token}, {@code $loopElement.url},
 * {@code items[0]}) looked up in the virtual user's variables, or one of the built-ins {@code $uuid},
 * {@code $randomNumber(min, max)}, {@code $randomString(length)}, {@code $processEnvironment.NAME} /
 * {@code $env.NAME}. A string that is nothing but one template keeps the value's JSON type (a number stays a
 * number in a JSON body), as in Artillery; inside other text a value is written as text (objects as JSON). A
 * variable that is not set renders as the empty string.
 */
final class Template {
  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
  private static final Pattern FUNCTION = Pattern.compile("\\$(\\w+)\\s*\\(([^)]*)\\)");
  private static final Pattern PATH = Pattern.compile("[$\\w][\\w$]*(\\.[\\w$-]+|\\[\\d+]|\\['[^']*']|\\[\"[^\"]*\"])*");

  private final String text;
  /** Literal text and expressions alternating: even indices literal, odd expressions. */
  private final String[] parts;

  private Template(String text, String[] parts) {
    this.text = text;
    this.parts = parts;
  }

  static boolean has(String s) {
    return s != null && s.contains("{{");
  }

  static boolean has(JsonNode n) {
    if (n == null) {
      return false;
    }
    if (n.isTextual()) {
      return has(n.asText());
    }
    for (JsonNode c : n) {
      if (has(c)) {
        return true;
      }
    }
    if (n.isObject()) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        if (has(it.next())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Parses {@code text}; an expression this engine cannot evaluate (one that needs JavaScript) is refused here, with
   * the reason, so a script fails when it is loaded instead of sending wrong requests.
   */
  static Template parse(String text) {
    List<String> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(text);
    int last = 0;
    while (m.find()) {
      parts.add(text.substring(last, m.start()));
      String expr = m.group(1).strip();
      check(expr);
      parts.add(expr);
      last = m.end();
    }
    parts.add(text.substring(last));
    return new Template(text, parts.toArray(String[]::new));
  }

  private static void check(String expr) {
    Matcher f = FUNCTION.matcher(expr);
    if (f.matches()) {
      String name = f.group(1);
      if (!List.of("randomNumber", "randomString").contains(name)) {
        throw new IllegalArgumentException("template function $" + name + "() is not supported (supported: "
            + "$randomNumber(min, max), $randomString(length), $uuid, $processEnvironment.NAME); functions from a "
            + "processor need JavaScript");
      }
      return;
    }
    if (!PATH.matcher(expr).matches()) {
      throw new IllegalArgumentException("template '{{ " + expr + " }}' is not a variable (name, name.field, "
          + "name[0]) or a supported function; expressions need JavaScript");
    }
  }

  /** The variable names (first path segment) this template reads, built-ins excluded. */
  List<String> variables() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < parts.length; i += 2) {
      String e = parts[i];
      if (!e.startsWith("$")) {
        out.add(e.split("[.\\[]", 2)[0]);
      }
    }
    return out;
  }

  boolean isConstant() {
    return parts.length == 1;
  }

  /** The template's value for {@code vars}: text, or the variable's own JSON value for a lone template. */
  JsonNode value(Map<String, JsonNode> vars, SplittableRandom random) {
    if (parts.length == 3 && parts[0].isEmpty() && parts[2].isEmpty()) {
      JsonNode v = evaluate(parts[1], vars, random);
      return v == null ? TextNode.valueOf("") : v;
    }
    return TextNode.valueOf(render(vars, random));
  }

  String render(Map<String, JsonNode> vars, SplittableRandom random) {
    if (parts.length == 1) {
      return parts[0];
    }
    StringBuilder sb = new StringBuilder(text.length() + 32);
    for (int i = 0; i < parts.length; i++) {
      if (i % 2 == 0) {
        sb.append(parts[i]);
      } else {
        sb.append(text(evaluate(parts[i], vars, random)));
      }
    }
    return sb.toString();
  }

  static String text(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "";
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  private static JsonNode evaluate(String expr, Map<String, JsonNode> vars, SplittableRandom random) {
    if (expr.equals("$uuid")) {
      return TextNode.valueOf(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    Matcher f = FUNCTION.matcher(expr);
    if (f.matches()) {
      String[] args = f.group(2).isBlank() ? new String[0] : f.group(2).split(",");
      if (f.group(1).equals("randomNumber")) {
        long min = args.length > 0 ? Long.parseLong(args[0].strip()) : 0;
        long max = args.length > 1 ? Long.parseLong(args[1].strip()) : 10_000_000L;
        return JsonNodeFactory.instance.numberNode(min + random.nextLong(Math.max(1, max - min + 1)));
      }
      int n = args.length > 0 ? Integer.parseInt(args[0].strip()) : 10;
      StringBuilder sb = new StringBuilder(n);
      String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
      for (int i = 0; i < n; i++) {
        sb.append(chars.charAt(random.nextInt(chars.length())));
      }
      return TextNode.valueOf(sb.toString());
    }
    for (String env : List.of("$processEnvironment.", "$env.")) {
      if (expr.startsWith(env)) {
        String v = System.getenv(expr.substring(env.length()));
        return v == null ? null : TextNode.valueOf(v);
      }
    }
    return lookup(vars, expr);
  }

  /** A lodash-style path ({@code a.b[0]['c']}) into the variables. */
  static JsonNode lookup(Map<String, JsonNode> vars, String path) {
    List<String> segments = new ArrayList<>();
    Matcher m = Pattern.compile("\\[(\\d+)]|\\['([^']*)']|\\[\"([^\"]*)\"]|([^.\\[\\]]+)").matcher(path);
    while (m.find()) {
      segments.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
          : m.group(3) != null ? m.group(3) : m.group(4));
    }
    if (segments.isEmpty()) {
      return null;
    }
    JsonNode cur = vars.get(segments.get(0));
    for (int i = 1; i < segments.size() && cur != null; i++) {
      String s = segments.get(i);
      cur = cur.isArray() && s.matches("\\d+") ? cur.get(Integer.parseInt(s)) : cur.get(s);
    }
    return cur;
  }

  /** Renders every string (and key) of a JSON tree. */
  static JsonNode renderTree(JsonNode n, Map<String, JsonNode> vars, SplittableRandom random) {
    if (n.isTextual()) {
      return has(n.asText()) ? parse(n.asText()).value(vars, random) : n;
    }
    if (n.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode(n.size());
      n.forEach(c -> a.add(renderTree(c, vars, random)));
      return a;
    }
    if (n.isObject()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = has(e.getKey()) ? parse(e.getKey()).render(vars, random) : e.getKey();
        o.set(key, renderTree(e.getValue(), vars, random));
      }
      return o;
    }
    return n;
  }

  @Override
  public String toString() {
    return text;
  }
}
