package dev.slipway.perf.memory;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * What {@code perf:memory} writes to {@code memory.json} (schema {@value #SCHEMA}, version {@value #VERSION},
 * documented in {@code src/site/markdown/memory.md}). Within a version fields are only added. Sizes are in MB
 * (2^20 bytes), times in seconds since the load started.
 */
@JsonPropertyOrder({"schema", "schemaVersion", "generatedAt", "verdict", "reason"})
public record MemoryReport(
    String schema,
    int schemaVersion,
    Instant generatedAt,
    Verdict verdict,
    String reason,
    Double leakSinceSeconds,
    Double plateauFromSeconds,
    Double plateauMb,
    Jvm jvm,
    Window window,
    LeakDetector.Settings settings,
    TrendResult trend,
    TrendResult tailTrend,
    Load load,
    List<Sample> postGcHeap,
    List<Reading> readings,
    Evidence evidence,
    String chart) {

  public static final String SCHEMA = "slipway-perf-memory";
  public static final int VERSION = 1;

  /** The watched JVM. */
  public record Jvm(String description, long pid, boolean local) {}

  /**
   * @param loadSeconds how long the load ran
   * @param fromSeconds start of the analysed window (the warm-up before it is excluded)
   * @param toSeconds end of the analysed window
   * @param gcIntervalSeconds how often a full collection was asked for (0: only the JVM's own)
   */
  public record Window(double loadSeconds, double fromSeconds, double toSeconds, double gcIntervalSeconds) {}

  /** A trend in MB/min, over the samples from {@code fromSeconds} on. */
  public record TrendResult(
      int samples, double fromSeconds, double slopeMbPerMin, double interceptMb, double mannKendallS, double z,
      double pValue) {
    static TrendResult of(Trend t, double from) {
      return t == null ? null : new TrendResult(t.n(), from, round(t.slope()), round(t.intercept()), t.s(),
          round(t.z()), t.pUp());
    }
  }

  /** The load that ran meanwhile. */
  public record Load(String target, double rate, long requests, long errors, Double achievedRate, Double p99Ms) {}

  /** A post-GC heap sample. */
  public record Sample(double t, double mb, String collector, String cause) {}

  /** A periodic reading (heap in use, committed, RSS). */
  public record Reading(double t, double heapUsedMb, double heapCommittedMb, Double rssMb) {}

  /**
   * What points at the cause.
   *
   * @param histogramFromSeconds when the first class histogram was taken
   * @param growthByBytes classes whose live bytes grew most between the two histograms
   * @param growthByCount classes whose live instance count grew most
   * @param oldObjects JFR old-object samples grouped by type, allocation site and path to the GC root
   * @param jfrRecording the recording file, relative to the report
   * @param heapDump the heap dump, when one was asked for (on the watched JVM's file system)
   * @param notes what could not be collected, and why
   */
  public record Evidence(
      Double histogramFromSeconds, List<ClassHistogram.Growth> growthByBytes,
      List<ClassHistogram.Growth> growthByCount, List<OldObjects.Group> oldObjects, String jfrRecording,
      String heapDump, List<String> notes) {}

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static double mb(long bytes) {
    return round(bytes / (1024.0 * 1024.0));
  }
}
