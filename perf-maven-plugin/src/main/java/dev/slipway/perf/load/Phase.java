package dev.slipway.perf.load;

import java.time.Duration;

/**
 * One phase of an open-model schedule, as in Artillery's {@code {duration, arrivalRate, rampTo}} and Gatling's
 * {@code constantUsersPerSec}/{@code rampUsersPerSec}: arrivals per second start at {@code arrivalRate} and move
 * linearly to {@code rampTo} (equal to {@code arrivalRate} when not ramping). A phase at rate 0 is a pause.
 */
public record Phase(Duration duration, double arrivalRate, double rampTo) {
  public Phase {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("phase duration must be positive, was " + duration);
    }
    if (arrivalRate < 0 || rampTo < 0 || Double.isNaN(arrivalRate) || Double.isNaN(rampTo)) {
      throw new IllegalArgumentException("phase arrival rates must be >= 0, were " + arrivalRate + " -> " + rampTo);
    }
  }

  public static Phase constant(Duration duration, double rate) {
    return new Phase(duration, rate, rate);
  }

  /** Number of arrivals the phase schedules (fractional; the schedule rounds across phases). */
  public double arrivals() {
    return (arrivalRate + rampTo) / 2 * seconds();
  }

  double seconds() {
    return duration.toNanos() / 1e9;
  }
}
