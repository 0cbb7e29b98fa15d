package dev.slipway.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * One step of a scenario's flow: a request ({@link RequestSpec}), a pause ({@link Think}) or a loop ({@link Loop}).
 */
public sealed interface FlowStep permits RequestSpec, FlowStep.Think, FlowStep.Loop {

  /** A pause of the virtual user before its next step. */
  record Think(Duration duration) implements FlowStep {}

  /**
   * Artillery's {@code loop}: the body {@code count} times, or once per element of {@code over} (a literal list, or
   * the name of a variable holding one, e.g. a payload loaded with {@code loadAll}). In the body,
   * {@code $loopCount} is the 0-based iteration and {@code $loopElement} the element (or the iteration).
   *
   * @param count iterations, or -1 when {@code over} decides
   * @param overValues literal elements, or null
   * @param overVariable variable holding the elements, or null
   */
  record Loop(List<FlowStep> body, int count, List<JsonNode> overValues, String overVariable) implements FlowStep {
    public Loop {
      body = List.copyOf(body);
      overValues = overValues == null ? null : List.copyOf(overValues);
    }
  }
}
