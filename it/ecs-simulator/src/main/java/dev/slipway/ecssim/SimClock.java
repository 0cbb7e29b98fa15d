package dev.slipway.ecssim;

import java.time.Duration;
import java.time.Instant;

/**
 * The simulator's notion of time. Timelines (tasks starting, crashing, the circuit breaker tripping) are played
 * against it, so a test can run a 30-minute deployment in milliseconds with a {@link Virtual} clock, and a person can
 * watch one at a chosen speed with an {@link Accelerated} clock.
 */
public interface SimClock {
  long nowMillis();

  default Instant now() {
    return Instant.ofEpochMilli(nowMillis());
  }

  /** A clock that moves only when told to; {@link #sleep} moves it, so callers sharing it never really wait. */
  final class Virtual implements SimClock {
    private long now;

    public Virtual(Instant start) {
      this.now = start.toEpochMilli();
    }

    @Override
    public synchronized long nowMillis() {
      return now;
    }

    public synchronized void advance(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("time does not go backwards: " + d);
      }
      now += d.toMillis();
    }
  }

  /** Real time multiplied by {@code speed} from a start instant (speed 60: one real second is a simulated minute). */
  final class Accelerated implements SimClock {
    private final long startVirtual;
    private final long startReal = System.nanoTime();
    private final double speed;

    public Accelerated(Instant start, double speed) {
      if (speed <= 0) {
        throw new IllegalArgumentException("speed must be positive, was " + speed);
      }
      this.startVirtual = start.toEpochMilli();
      this.speed = speed;
    }

    @Override
    public long nowMillis() {
      return startVirtual + (long) ((System.nanoTime() - startReal) / 1_000_000.0 * speed);
    }
  }
}
