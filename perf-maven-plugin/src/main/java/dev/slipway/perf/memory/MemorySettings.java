package dev.slipway.perf.memory;

import dev.slipway.perf.load.LoadSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code perf:memory}'s settings, as the Mojo resolved them.
 *
 * @param load the load to run meanwhile (an open model at a constant rate for the whole window); its
 *     {@code start} is ignored, the JVM comes from {@code jvm}
 * @param jvm the JVM to watch
 * @param warmup leading part of the load left out of the verdict ({@code perf.memory.warmup})
 * @param gcInterval how often a full collection is asked for ({@code perf.memory.gcInterval}); zero: only the
 *     JVM's own full collections are sampled
 * @param sampleInterval how often heap in use and RSS are read for the chart ({@code perf.memory.sampleInterval})
 * @param detector the verdict's thresholds
 * @param heapDump when to write a heap dump ({@code perf.memory.heapDump})
 * @param jfr whether to record JFR old-object samples ({@code perf.memory.jfr})
 * @param top how many classes and old-object groups the report lists ({@code perf.memory.top})
 * @param outputDir where {@code memory.json}, {@code memory.md}, {@code memory-heap.svg} and {@code memory.jfr} go
 */
public record MemorySettings(
    LoadSettings load,
    JvmTarget jvm,
    Duration warmup,
    Duration gcInterval,
    Duration sampleInterval,
    LeakDetector.Settings detector,
    HeapDump heapDump,
    boolean jfr,
    int top,
    Path outputDir) {

  /** When a heap dump is written. */
  public enum HeapDump {
    NEVER, LEAK, ALWAYS;

    /** Parses {@code perf.memory.heapDump}; a bad value names the parameter and the accepted ones. */
    public static HeapDump parse(String s) {
      if (s == null || s.isBlank()) {
        return NEVER;
      }
      try {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("perf.memory.heapDump = '" + s + "' is not accepted; expected never, leak "
            + "or always");
      }
    }
  }
}
