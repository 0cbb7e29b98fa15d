package dev.slipway.perf.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One named measurement beyond the standard HTTP ones, e.g. a JMH score: its value, unit, which direction is better,
 * and optionally the independent samples it was computed from (for JMH one value per fork, so a statistical test
 * can use forks as the unit of replication).
 */
public record Metric(
    double value,
    String unit,
    boolean higherIsBetter,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Double> samples) {

  public Metric {
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  public Metric(double value, String unit, boolean higherIsBetter) {
    this(value, unit, higherIsBetter, List.of());
  }
}
