package dev.slipway.perf.load;

import java.net.URI;
import java.util.List;

/**
 * What a scenario file or the POM describes: optionally a target and open-model phases, and the weighted
 * scenarios. {@code source} names where it came from, for messages; {@code warnings} lists settings of the file that
 * are accepted but have no effect here; {@code ensure} Artillery's thresholds (checked by perf:load), {@code data}
 * the payload rows and variables virtual users start with.
 */
public record Workload(URI target, List<Phase> phases, List<Scenario> scenarios, String source,
    List<String> warnings, dev.slipway.perf.compare.ErrorBudget.Ensure ensure, VuData data) {
  public Workload {
    data = data == null ? VuData.NONE : data;
    phases = phases == null ? List.of() : List.copyOf(phases);
    scenarios = List.copyOf(scenarios);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }
}
