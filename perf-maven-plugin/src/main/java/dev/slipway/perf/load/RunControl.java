package dev.slipway.perf.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Shared between the event loops and the monitor: raw activity counters and the abort switch. */
final class RunControl {
  private volatile String abortReason;
  private volatile String lastFailure;
  final LongAdder responses = new LongAdder();
  /** Failures on the server's side (connect, timeout after sending, broken or malformed responses). */
  final LongAdder failures = new LongAdder();
  /** Arrivals the generator could not send in time because its pool was at its cap. */
  final LongAdder generatorLimited = new LongAdder();
  final AtomicInteger connections = new AtomicInteger();

  boolean aborted() {
    return abortReason != null;
  }

  String abortReason() {
    return abortReason;
  }

  synchronized void abort(String reason) {
    if (abortReason == null) {
      abortReason = reason;
    }
  }

  /** An event loop cannot go on. */
  void fail(String reason) {
    abort(reason);
  }

  void failure(String message) {
    failures.increment();
    lastFailure = message;
  }

  void generatorLimited() {
    generatorLimited.increment();
  }

  String lastFailure() {
    return lastFailure;
  }

  void responded() {
    responses.increment();
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }
}
