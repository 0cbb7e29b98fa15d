package dev.slipway.perf.load;

import java.util.ArrayList;
import java.util.List;

/**
 * A flow of requests one virtual user sends in order on one connection, chosen for each arrival (open model) or
 * each iteration (closed model) in proportion to {@code weight}. A plain weighted request is a one-step scenario.
 * Flows from Artillery scripts may hold pauses and loops ({@link FlowStep}).
 */
public record Scenario(String name, int weight, List<FlowStep> flow) {
  public Scenario {
    if (flow == null || requests(flow).isEmpty()) {
      throw new IllegalArgumentException("scenario " + name + " has no requests");
    }
    if (weight < 0) {
      throw new IllegalArgumentException("scenario " + name + " has a negative weight");
    }
    flow = List.copyOf(flow);
    name = name == null ? requests(flow).get(0).name() : name;
  }

  public static Scenario of(RequestSpec request, int weight) {
    return new Scenario(request.name(), weight, List.of(request));
  }

  /** Every request of the flow, loops included, in the order they appear. */
  public List<RequestSpec> steps() {
    return requests(flow);
  }

  private static List<RequestSpec> requests(List<? extends FlowStep> flow) {
    List<RequestSpec> out = new ArrayList<>();
    for (FlowStep s : flow) {
      if (s instanceof RequestSpec r) {
        out.add(r);
      } else if (s instanceof FlowStep.Loop l) {
        out.addAll(requests(l.body()));
      }
    }
    return out;
  }
}
