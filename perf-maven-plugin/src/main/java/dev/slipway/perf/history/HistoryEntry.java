package dev.slipway.perf.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.slipway.perf.results.RunResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the performance history: one run of one build with the context it ran in, or (version 2) an accepted
 * shift written by {@code perf:accept}.
 *
 * @param v line schema version: {@link #VERSION_RUN} for runs, {@link #VERSION} for accept markers
 * @param time when {@code perf:baseline} recorded the build, or when the shift was accepted
 * @param build identifies the build the run belongs to (all runs recorded by one {@code perf:baseline} share it)
 * @param context where it ran: commit, branch, jdk, os, arch, cpuCount, cpuModel and any user labels
 * @param result the run, in Slipway's result schema (null for an accept marker)
 * @param accept the accepted shift (null for a run)
 */
@JsonPropertyOrder({"v", "time", "build", "context", "result", "accept"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(
    int v, Instant time, String build, Map<String, String> context, RunResult result, Accept accept) {
  /** Lines of runs are written as version 1, so older readers keep reading histories without markers. */
  public static final int VERSION_RUN = 1;
  /** The newest line version this Slipway reads (2 added accept markers). */
  public static final int VERSION = 2;

  /**
   * An intended change of performance: builds from {@code commit} on (or, without a commit in the history, builds
   * recorded after the marker) are the new normal for the metrics matching {@code metrics}.
   *
   * @param metrics globs on {@code metric} or {@code endpoint/metric}; {@code *} for all
   * @param commit the first commit of the new normal, or null
   * @param reason why, for the report
   */
  public record Accept(List<String> metrics, String commit, String reason) {
    public Accept {
      metrics = metrics == null || metrics.isEmpty() ? List.of("*") : List.copyOf(metrics);
    }
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  public HistoryEntry {
    context = context == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
  }

  /** A run line. */
  public HistoryEntry(int v, Instant time, String build, Map<String, String> context, RunResult result) {
    this(v, time, build, context, result, null);
  }

  @JsonIgnore
  public boolean isAcceptMarker() {
    return accept != null;
  }

  /** Whether this entry's context has the same value as {@code wanted} for every key in {@code keys}. */
  public boolean matches(Map<String, String> wanted, Iterable<String> keys) {
    for (String k : keys) {
      if (!java.util.Objects.equals(context.get(k), wanted.get(k))) {
        return false;
      }
    }
    return true;
  }
}
