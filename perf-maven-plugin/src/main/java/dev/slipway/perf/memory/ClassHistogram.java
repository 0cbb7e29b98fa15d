package dev.slipway.perf.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live-object class histogram as {@code GC.class_histogram} prints it (instances and bytes per class), and the
 * difference between two of them: which classes grew, by bytes and by count.
 */
public final class ClassHistogram {
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\(.*\\))?\\s*$");

  /** Instances and bytes of one class. */
  public record Row(long instances, long bytes) {}

  /**
   * Growth of one class between two histograms.
   *
   * @param className readable name ({@code byte[]} rather than {@code [B})
   * @param instances instances at the end
   * @param bytes bytes at the end
   * @param instancesDelta instances gained
   * @param bytesDelta bytes gained
   */
  public record Growth(String className, long instances, long bytes, long instancesDelta, long bytesDelta) {}

  private final Map<String, Row> rows;

  private ClassHistogram(Map<String, Row> rows) {
    this.rows = rows;
  }

  /** Parses the text of {@code gcClassHistogram}; lines that are not class rows (header, total) are skipped. */
  public static ClassHistogram parse(String text) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        rows.merge(readable(m.group(3)), new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
            (a, b) -> new Row(a.instances + b.instances, a.bytes + b.bytes));
      }
    }
    return new ClassHistogram(rows);
  }

  public Map<String, Row> rows() {
    return rows;
  }

  /** Classes that grew from {@code start} to this, biggest growth in {@code byBytes ? bytes : instances} first. */
  public List<Growth> growthSince(ClassHistogram start, boolean byBytes, int limit) {
    List<Growth> out = new ArrayList<>();
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      Row before = start.rows.getOrDefault(e.getKey(), new Row(0, 0));
      Row after = e.getValue();
      Growth g = new Growth(e.getKey(), after.instances, after.bytes, after.instances - before.instances,
          after.bytes - before.bytes);
      if ((byBytes ? g.bytesDelta : g.instancesDelta) > 0) {
        out.add(g);
      }
    }
    out.sort(Comparator.comparingLong((Growth g) -> byBytes ? g.bytesDelta : g.instancesDelta).reversed());
    return out.subList(0, Math.min(limit, out.size()));
  }

  /** {@code [B} → {@code byte[]}, {@code [Ljava.lang.Object;} → {@code java.lang.Object[]}. */
  static String readable(String jvmName) {
    int dims = 0;
    while (dims < jvmName.length() && jvmName.charAt(dims) == '[') {
      dims++;
    }
    if (dims == 0) {
      return jvmName;
    }
    String rest = jvmName.substring(dims);
    String base = switch (rest) {
      case "B" -> "byte";
      case "C" -> "char";
      case "I" -> "int";
      case "J" -> "long";
      case "S" -> "short";
      case "Z" -> "boolean";
      case "F" -> "float";
      case "D" -> "double";
      default -> rest.startsWith("L") && rest.endsWith(";") ? rest.substring(1, rest.length() - 1) : rest;
    };
    return base + "[]".repeat(dims);
  }
}
