package dev.slipway.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What each new virtual user starts with: a row of every CSV payload and a value of every {@code config.variables}
 * entry (a list gives each virtual user one element at random, as in Artillery).
 */
record VuData(List<Payload> payloads, Map<String, List<JsonNode>> variables) {
  static final VuData NONE = new VuData(List.of(), Map.of());

  VuData {
    payloads = List.copyOf(payloads);
    variables = Map.copyOf(variables);
  }

  boolean isEmpty() {
    return payloads.isEmpty() && variables.isEmpty();
  }

  void bind(Map<String, JsonNode> vars, SplittableRandom random) {
    variables.forEach((k, v) -> {
      if (!v.isEmpty()) {
        vars.put(k, v.get(v.size() == 1 ? 0 : random.nextInt(v.size())));
      }
    });
    for (Payload p : payloads) {
      p.bind(vars, random);
    }
  }
}
