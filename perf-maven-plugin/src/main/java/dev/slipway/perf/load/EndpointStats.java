package dev.slipway.perf.load;

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

  final String name;
  final Recorder recorder = new Recorder(1, HIGHEST_MICROS, 3);
  final LongAdder responses = new LongAdder();
  final LongAdder status = new LongAdder();
  final LongAdder timeout = new LongAdder();
  final LongAdder connect = new LongAdder();
  final LongAdder other = new LongAdder();

  EndpointStats(String name) {
    this.name = name;
  }

  void recordResponse(long latencyNanos, boolean expected) {
    long micros = Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1000));
    recorder.recordValue(micros);
    responses.increment();
    if (!expected) {
      status.increment();
    }
  }

  long errors() {
    return status.sum() + timeout.sum() + connect.sum() + other.sum();
  }
}
