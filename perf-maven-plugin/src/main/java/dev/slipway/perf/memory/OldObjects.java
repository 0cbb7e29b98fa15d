package dev.slipway.perf.memory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

/**
 * Evidence from JFR's {@code jdk.OldObjectSample} events: objects that were sampled at allocation and were still
 * alive at the end, each with the stack that allocated it and its reference chain to a GC root. Samples with the
 * same type, allocation site and chain shape are grouped, most frequent first, so the retaining class (the one
 * holding the chain, e.g. a static collection) and the allocating method are named.
 */
public final class OldObjects {
  private static final int FRAMES = 8;
  private static final int MAX_CHAIN = 12;

  /**
   * One group of samples.
   *
   * @param type class of the retained object
   * @param samples how many samples fell in the group
   * @param allocationSite first application frame of the allocation stack (JDK frames skipped), if any
   * @param stack top frames of the allocation stack
   * @param path the reference chain from the object towards its GC root, one link per line
   *     ({@code field : holder type}), as {@code jfr print} shows it
   * @param root the GC root (system / type / description)
   * @param retainedBy the class that holds on to the objects: the first application class on the chain that
   *     owns a JDK holder (array, collection) on the way to the root, else the first application class on it
   */
  public record Group(
      String type, int samples, String allocationSite, List<String> stack, List<String> path, String root,
      String retainedBy) {}

  private OldObjects() {}

  /** Reads the recording and returns at most {@code limit} groups. */
  public static List<Group> read(Path recording, int limit) throws IOException {
    Map<String, Group> groups = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (!"jdk.OldObjectSample".equals(e.getEventType().getName())) {
        continue;
      }
      RecordedObject object = e.hasField("object") ? e.getValue("object") : null;
      if (object == null) {
        continue;
      }
      String type = typeOf(object);
      List<String> stack = new ArrayList<>();
      String site = null;
      if (e.getStackTrace() != null) {
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
          if (f.getMethod() == null || f.getMethod().getType() == null) {
            continue;
          }
          String frame = f.getMethod().getType().getName() + "." + f.getMethod().getName()
              + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : "");
          if (stack.size() < FRAMES) {
            stack.add(frame);
          }
          if (site == null && !jdk(f.getMethod().getType().getName())) {
            site = frame;
          }
        }
      }
      List<String> path = new ArrayList<>();
      List<String> shape = new ArrayList<>();
      String retainedBy = null;
      String firstAppHolder = null;
      boolean passedJdkHolder = false;
      RecordedObject current = object;
      for (int i = 0; i < MAX_CHAIN && current != null; i++) {
        RecordedObject ref = current.hasField("referrer") ? current.getValue("referrer") : null;
        if (ref == null) {
          break;
        }
        RecordedObject holder = ref.hasField("object") ? ref.getValue("object") : null;
        String link = link(ref);
        String holderType = holder == null ? "?" : typeOf(holder);
        String description = holder == null || !holder.hasField("description") ? null
            : holder.getValue("description");
        path.add(link + " : " + holderType + (description == null || description.isBlank() ? "" : " "
            + description));
        shape.add(link.startsWith("[") ? "[]" : link);
        shape.add(holderType);
        // The retainer is the application class that owns the collection the objects sit in: the first
        // application holder after a JDK holder (array, ArrayList, HashMap node...) on the way to the root.
        String candidate = holderType.equals("java.lang.Class") && description != null
            ? description.replaceFirst("^Class Name: ", "") : holderType;
        if (jdk(candidate)) {
          passedJdkHolder = true;
        } else {
          firstAppHolder = firstAppHolder == null ? candidate : firstAppHolder;
          if (passedJdkHolder && retainedBy == null) {
            retainedBy = candidate;
          }
        }
        current = holder;
      }
      retainedBy = retainedBy != null ? retainedBy : firstAppHolder;
      String root = "";
      if (e.hasField("root") && e.getValue("root") != null) {
        RecordedObject r = e.getValue("root");
        root = String.join(" / ", str(r, "system"), str(r, "type"), str(r, "description"));
      }
      String key = type + "|" + site + "|" + String.join(">", shape);
      counts.merge(key, 1, Integer::sum);
      // the first sample of a group stands for all of them; only the count is kept of the others
      groups.putIfAbsent(key, new Group(type, 0, site, List.copyOf(stack), List.copyOf(path), root, retainedBy));
    }
    List<Group> out = new ArrayList<>();
    for (Map.Entry<String, Group> g : groups.entrySet()) {
      Group v = g.getValue();
      out.add(new Group(v.type(), counts.get(g.getKey()), v.allocationSite(), v.stack(), v.path(), v.root(),
          v.retainedBy()));
    }
    out.sort(Comparator.comparingInt(Group::samples).reversed());
    return out.subList(0, Math.min(limit, out.size()));
  }

  private static String link(RecordedObject ref) {
    if (ref.hasField("field") && ref.getValue("field") != null) {
      RecordedObject field = ref.getValue("field");
      return String.valueOf((Object) field.getValue("name"));
    }
    if (ref.hasField("array") && ref.getValue("array") != null) {
      RecordedObject array = ref.getValue("array");
      return "[" + array.getValue("index") + "]";
    }
    if (ref.hasField("skip") && ref.getInt("skip") > 0) {
      return "(" + ref.getInt("skip") + " links skipped)";
    }
    return "?";
  }

  private static String typeOf(RecordedObject o) {
    if (!o.hasField("type")) {
      return "?";
    }
    RecordedClass c = o.getClass("type");
    return c == null ? "?" : ClassHistogram.readable(c.getName());
  }

  private static String str(RecordedObject o, String field) {
    return o.hasField(field) && o.getValue(field) != null ? String.valueOf((Object) o.getValue(field)) : "?";
  }

  static boolean jdk(String className) {
    String c = className.replaceAll("\\[]", "");
    return c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun.")
        || c.startsWith("com.sun.") || c.equals("byte") || c.equals("char") || c.equals("int") || c.equals("long")
        || c.equals("short") || c.equals("boolean") || c.equals("float") || c.equals("double") || c.equals("?");
  }
}
