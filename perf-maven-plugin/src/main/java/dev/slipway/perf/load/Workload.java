package dev.slipway.perf.load;

import java.net.URI;
import java.util.List;

/**
 * What a scenario file or the POM describes: optionally a target and open-model phases, and the weighted
 * scenarios. {@code source} names where it came from, for messages.
 */
public record Workload(URI target, List<Phase> phases, List<Scenario> scenarios, String source) {
  public Workload {
    phases = phases == null ? List.of() : List.copyOf(phases);
    scenarios = List.copyOf(scenarios);
  }
}
