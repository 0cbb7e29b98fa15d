package dev.slipway.deploy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The differences between two task definitions' register fields, one line per changed JSON pointer. */
public final class TaskDefinitionDiff {
  private TaskDefinitionDiff() {}

  public static List<String> diff(JsonNode before, JsonNode after) {
    Map<String, String> a = new LinkedHashMap<>();
    Map<String, String> b = new LinkedHashMap<>();
    flatten("", before, a);
    flatten("", after, b);
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : a.entrySet()) {
      String now = b.get(e.getKey());
      if (now == null) {
        out.add("- " + e.getKey() + ": " + e.getValue());
      } else if (!now.equals(e.getValue())) {
        out.add("~ " + e.getKey() + ": " + e.getValue() + " -> " + now);
      }
    }
    for (Map.Entry<String, String> e : b.entrySet()) {
      if (!a.containsKey(e.getKey())) {
        out.add("+ " + e.getKey() + ": " + e.getValue());
      }
    }
    return out;
  }

  private static void flatten(String pointer, JsonNode node, Map<String, String> out) {
    if (node == null) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        flatten(pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), e.getValue(), out);
      }
      if (node.isEmpty()) {
        out.put(pointer, "{}");
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(pointer + "/" + i, node.get(i), out);
      }
      if (node.isEmpty()) {
        out.put(pointer, "[]");
      }
    } else {
      out.put(pointer, node.toString());
    }
  }
}
