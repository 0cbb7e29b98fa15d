package dev.slipway.perf.load;

import java.util.List;

/**
 * A flow of requests one virtual user sends in order on one connection, chosen for each arrival (open model) or
 * each iteration (closed model) in proportion to {@code weight}. A plain weighted request is a one-step scenario.
 */
public record Scenario(String name, int weight, List<RequestSpec> steps) {
  public Scenario {
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException("scenario " + name + " has no requests");
    }
    if (weight < 0) {
      throw new IllegalArgumentException("scenario " + name + " has a negative weight");
    }
    steps = List.copyOf(steps);
    name = name == null ? steps.get(0).name() : name;
  }

  public static Scenario of(RequestSpec request, int weight) {
    return new Scenario(request.name(), weight, List.of(request));
  }
}
