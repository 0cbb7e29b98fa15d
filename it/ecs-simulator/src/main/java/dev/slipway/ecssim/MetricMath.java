package dev.slipway.ecssim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The part of CloudWatch metric math the simulator evaluates: numbers, query ids, {@code + - * /}, comparisons
 * ({@code > < >= <= == !=}), parentheses, {@code FILL(series, value)} and {@code IF(condition, a, b)}. A series is
 * evaluated at every timestamp any series it names has; a missing value makes the point missing unless FILL supplies
 * one, and a division by zero is missing too (as in CloudWatch).
 */
final class MetricMath {
  private final String text;
  private int pos;

  private MetricMath(String text) {
    this.text = text;
  }

  /** The ids an expression names. */
  static Set<String> ids(String expression) {
    Set<String> out = new TreeSet<>();
    var m = java.util.regex.Pattern.compile("\\b([a-z][A-Za-z0-9_]*)\\b(?!\\s*\\()").matcher(expression);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Evaluates {@code expression} with the series by id, at each timestamp (epoch seconds) of the series it names. */
  static Map<Long, Double> evaluate(String expression, Map<String, Map<Long, Double>> series) {
    Set<Long> times = new TreeSet<>();
    for (String id : ids(expression)) {
      Map<Long, Double> s = series.get(id);
      if (s == null) {
        throw AwsError.client("InvalidParameterValue", "Unknown metric query id '" + id + "' in expression "
            + expression);
      }
      times.addAll(s.keySet());
    }
    Map<Long, Double> out = new java.util.TreeMap<>();
    for (long t : times) {
      MetricMath p = new MetricMath(expression);
      Double v = p.comparison(series, t);
      p.skipSpace();
      if (p.pos != p.text.length()) {
        throw p.error("unexpected '" + p.text.substring(p.pos) + "'");
      }
      if (v != null && !v.isNaN() && !v.isInfinite()) {
        out.put(t, v);
      }
    }
    return out;
  }

  private Double comparison(Map<String, Map<Long, Double>> s, long t) {
    Double left = additive(s, t);
    skipSpace();
    for (String op : List.of(">=", "<=", "==", "!=", ">", "<")) {
      if (text.startsWith(op, pos)) {
        pos += op.length();
        Double right = additive(s, t);
        if (left == null || right == null) {
          return null;
        }
        boolean r = switch (op) {
          case ">=" -> left >= right;
          case "<=" -> left <= right;
          case "==" -> left.equals(right);
          case "!=" -> !left.equals(right);
          case ">" -> left > right;
          default -> left < right;
        };
        return r ? 1.0 : 0.0;
      }
    }
    return left;
  }

  private Double additive(Map<String, Map<Long, Double>> s, long t) {
    Double v = term(s, t);
    while (true) {
      skipSpace();
      if (peek('+') || peek('-')) {
        char op = text.charAt(pos++);
        Double r = term(s, t);
        v = v == null || r == null ? null : op == '+' ? v + r : v - r;
      } else {
        return v;
      }
    }
  }

  private Double term(Map<String, Map<Long, Double>> s, long t) {
    Double v = factor(s, t);
    while (true) {
      skipSpace();
      if (peek('*') || peek('/')) {
        char op = text.charAt(pos++);
        Double r = factor(s, t);
        v = v == null || r == null ? null : op == '*' ? v * r : (r == 0 ? null : v / r);
      } else {
        return v;
      }
    }
  }

  private Double factor(Map<String, Map<Long, Double>> s, long t) {
    skipSpace();
    if (peek('(')) {
      pos++;
      Double v = comparison(s, t);
      expect(')');
      return v;
    }
    if (peek('-')) {
      pos++;
      Double v = factor(s, t);
      return v == null ? null : -v;
    }
    int start = pos;
    if (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
        pos++;
      }
      return Double.parseDouble(text.substring(start, pos));
    }
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    String name = text.substring(start, pos);
    if (name.isEmpty()) {
      throw error("expected a number, an id or a function");
    }
    skipSpace();
    if (peek('(')) {
      pos++;
      List<Double> args = new ArrayList<>();
      while (true) {
        args.add(comparison(s, t));
        skipSpace();
        if (peek(',')) {
          pos++;
          continue;
        }
        expect(')');
        break;
      }
      return switch (name.toUpperCase(Locale.ROOT)) {
        case "FILL" -> {
          requireArgs(name, args, 2);
          yield args.get(0) != null ? args.get(0) : args.get(1);
        }
        case "IF" -> {
          requireArgs(name, args, 3);
          yield args.get(0) == null ? null : args.get(0) != 0 ? args.get(1) : args.get(2);
        }
        default -> throw error("the simulator does not evaluate function " + name);
      };
    }
    Map<Long, Double> series = s.get(name);
    if (series == null) {
      throw error("unknown id " + name);
    }
    return series.get(t);
  }

  private void requireArgs(String name, List<Double> args, int n) {
    if (args.size() != n) {
      throw error(name + " takes " + n + " arguments");
    }
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    skipSpace();
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private AwsError error(String what) {
    return AwsError.client("InvalidParameterValue", "Error in expression '" + text + "' at " + pos + ": " + what);
  }
}
