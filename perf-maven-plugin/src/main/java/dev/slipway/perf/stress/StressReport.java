package dev.slipway.perf.stress;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * What {@code perf:stress} writes to {@code stress.json} (schema {@value #SCHEMA}, version {@value #VERSION},
 * documented in {@code src/site/markdown/stress.md}). Within a version fields are only added. Rates are arrivals
 * per second, latencies milliseconds.
 *
 * @param capacity the highest offered rate that met the SLO (absent when even the first step broke it)
 * @param capacityBound {@code measured} (a failing rate bounds it from above within the precision),
 *     {@code atLeast} (the search stopped first: maximum rate, time budget or the load generator's own limit) or
 *     {@code below} (the first step already broke the SLO)
 * @param knee the highest rate before latency started to climb (p99 above {@code kneeFactor} times the lowest-rate
 *     p99), absent when it never did
 * @param stopReason why the search ended
 * @param generatorLimited whether a step was limited by the load generator rather than the service
 */
@JsonPropertyOrder({"schema", "schemaVersion", "generatedAt", "target", "capacity", "capacityBound", "knee"})
public record StressReport(
    String schema,
    int schemaVersion,
    Instant generatedAt,
    String target,
    Double capacity,
    String capacityBound,
    Double knee,
    String stopReason,
    boolean generatorLimited,
    Slo slo,
    Search search,
    double durationSeconds,
    List<Step> steps,
    String chart) {

  public static final String SCHEMA = "slipway-perf-stress";
  public static final int VERSION = 1;

  /** The objective a step must meet. */
  public record Slo(double p99Ms, double errorRate) {}

  /** How the search was run. */
  public record Search(
      double startRate, double factor, double maxRate, double precision, double stepSeconds, double warmupSeconds,
      double maxDurationSeconds, double kneeFactor) {}

  /** Outcome of one step. */
  public enum Outcome {
    /** Met the SLO. */
    PASS,
    /** Broke it. */
    FAIL,
    /** Broke it badly (most requests failed, the service stopped answering or answered far below the rate). */
    COLLAPSE,
    /** The SLO was broken, but the load generator could not keep to the schedule: not the service's limit. */
    GENERATOR_LIMITED
  }

  /**
   * One step: a constant open-model rate.
   *
   * @param phase {@code ramp} (raising the rate), {@code down} (lowering it when even the first rate broke the SLO)
   *     or {@code narrow} (bisecting between passing and failing rates)
   * @param rate offered arrivals per second
   * @param achievedRate responses per second within the schedule
   * @param sendLagP99Ms the generator's own lateness (intended → written), p99
   */
  public record Step(
      int index, String phase, double rate, Double achievedRate, double throughput, long requests, double errorRate,
      Double p50Ms, Double p90Ms, Double p99Ms, Double maxMs, Double sendLagP99Ms, Outcome outcome, String reason) {}
}
