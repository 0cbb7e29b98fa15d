package dev.slipway.perf.load;

import java.time.Duration;
import java.util.List;

/**
 * The intended send time of every arrival of an open-model run. Arrival {@code n} (0-based) is due when the
 * integral of the arrival rate reaches {@code n}, so a constant 1000/s phase schedules arrivals exactly 1 ms apart
 * and a ramp spaces them ever closer. Latency is measured from these times, never from when a request was actually
 * written, so a stalled server cannot hide its stall by slowing the generator down (coordinated omission).
 */
public final class ArrivalSchedule {
  /** Returned by {@link #offsetNanos(long)} after the last arrival. */
  public static final long END = Long.MAX_VALUE;

  private final List<Phase> phases;
  private final double[] startCount;
  private final long[] startNanos;
  private final double totalArrivals;
  private final long totalNanos;

  public ArrivalSchedule(List<Phase> phases) {
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("an open-model schedule needs at least one phase");
    }
    this.phases = List.copyOf(phases);
    startCount = new double[phases.size()];
    startNanos = new long[phases.size()];
    double count = 0;
    long nanos = 0;
    for (int i = 0; i < phases.size(); i++) {
      startCount[i] = count;
      startNanos[i] = nanos;
      count += phases.get(i).arrivals();
      nanos += phases.get(i).duration().toNanos();
    }
    totalArrivals = count;
    totalNanos = nanos;
  }

  public List<Phase> phases() {
    return phases;
  }

  public Duration duration() {
    return Duration.ofNanos(totalNanos);
  }

  /** Arrivals the schedule holds in total. */
  public long arrivals() {
    return (long) Math.ceil(totalArrivals - 1e-9);
  }

  /** Nanoseconds from the start of the run at which arrival {@code n} is due, or {@link #END}. */
  public long offsetNanos(long n) {
    if (n < 0 || n >= arrivals()) {
      return END;
    }
    for (int i = phases.size() - 1; i >= 0; i--) {
      if (n >= startCount[i] && phases.get(i).arrivals() > 0) {
        Phase p = phases.get(i);
        double m = n - startCount[i];
        double d = p.seconds();
        double r0 = p.arrivalRate();
        double a = (p.rampTo() - r0) / (2 * d);
        double t;
        if (Math.abs(a) < 1e-12) {
          t = m / r0;
        } else {
          double disc = r0 * r0 + 4 * a * m;
          t = (-r0 + Math.sqrt(Math.max(0, disc))) / (2 * a);
        }
        return startNanos[i] + Math.min((long) (t * 1e9), p.duration().toNanos());
      }
    }
    return END;
  }

  /** Arrivals due before {@code offsetNanos} from the start (for the progress line's "scheduled" figure). */
  public long arrivalsBefore(long offsetNanos) {
    double count = 0;
    for (int i = 0; i < phases.size(); i++) {
      Phase p = phases.get(i);
      long end = startNanos[i] + p.duration().toNanos();
      if (offsetNanos >= end) {
        count += p.arrivals();
        continue;
      }
      double t = Math.max(0, offsetNanos - startNanos[i]) / 1e9;
      double a = (p.rampTo() - p.arrivalRate()) / (2 * p.seconds());
      count += p.arrivalRate() * t + a * t * t;
      break;
    }
    return (long) Math.ceil(count - 1e-9);
  }
}
