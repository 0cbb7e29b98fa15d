package dev.slipway.perf.history;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.slipway.perf.results.RunResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the performance history: one run of one build, with the context it ran in.
 *
 * @param v line schema version ({@link #VERSION})
 * @param time when {@code perf:baseline} recorded the build
 * @param build identifies the build the run belongs to (all runs recorded by one {@code perf:baseline} share it)
 * @param context where it ran: commit, branch, jdk, os, arch, cpuCount, cpuModel and any user labels
 * @param result the run, in Slipway's result schema
 */
@JsonPropertyOrder({"v", "time", "build", "context", "result"})
public record HistoryEntry(int v, Instant time, String build, Map<String, String> context, RunResult result) {
  public static final int VERSION = 1;

  public HistoryEntry {
    context = context == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
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
