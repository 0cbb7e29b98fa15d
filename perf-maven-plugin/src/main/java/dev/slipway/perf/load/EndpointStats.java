package dev.slipway.perf.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Live counters of one endpoint, written by every event loop and read by the monitor. Latencies are recorded in
 * microseconds into an HdrHistogram {@link Recorder} so the monitor can take interval histograms for the progress
 * line and the histogram log without stopping the writers. Only requests whose intended send time lies after the
 * warm-up reach these counters.
 */
final class EndpointStats {
  static final long HIGHEST_MICROS = 3_600_000_000L;

  /** How a response that arrived is counted. */
  enum Outcome { OK, STATUS, CHECK }

  final String name;
  final Recorder recorder = new Recorder(1, HIGHEST_MICROS, 3);
  final LongAdder responses = new LongAdder();
  final LongAdder status = new LongAdder();
  final LongAdder timeout = new LongAdder();
  final LongAdder connect = new LongAdder();
  final LongAdder other = new LongAdder();
  final LongAdder check = new LongAdder();
  final LongAdder notSent = new LongAdder();
  /** Responses by status code (index = code, 100-599). */
  private final AtomicLongArray codes = new AtomicLongArray(600);

  EndpointStats(String name) {
    this.name = name;
  }

  void recordResponse(long latencyNanos, boolean expected) {
    recordResponse(latencyNanos, 0, expected ? Outcome.OK : Outcome.STATUS);
  }

  void recordResponse(long latencyNanos, int statusCode, Outcome outcome) {
    long micros = Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1000));
    recorder.recordValue(micros);
    responses.increment();
    if (statusCode >= 100 && statusCode < 600) {
      codes.incrementAndGet(statusCode);
    }
    switch (outcome) {
      case STATUS -> status.increment();
      case CHECK -> check.increment();
      default -> { }
    }
  }

  Map<String, Long> statusCodes() {
    Map<String, Long> out = new TreeMap<>();
    for (int i = 100; i < 600; i++) {
      long n = codes.get(i);
      if (n > 0) {
        out.put(String.valueOf(i), n);
      }
    }
    return out;
  }

  long errors() {
    return status.sum() + timeout.sum() + connect.sum() + other.sum() + check.sum() + notSent.sum();
  }
}
