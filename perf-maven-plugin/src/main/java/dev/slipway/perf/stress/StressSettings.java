package dev.slipway.perf.stress;

import dev.slipway.perf.load.LoadSettings;
import java.time.Duration;

/**
 * {@code perf:stress}'s settings, as the Mojo resolved them.
 *
 * @param load what to load and how to start the service; its rate and duration are replaced per step
 * @param sloP99 the latency objective: p99 at most this ({@code perf.stress.sloP99})
 * @param sloErrorRate the error objective: at most this share of requests failed ({@code perf.stress.sloErrorRate})
 * @param startRate first step's arrivals per second ({@code perf.stress.startRate})
 * @param factor each ramp step multiplies the rate by this ({@code perf.stress.factor})
 * @param maxRate never offer more than this ({@code perf.stress.maxRate})
 * @param precision the narrowing stops when the gap between the highest passing and the lowest failing rate is at
 *     most this fraction of the passing one ({@code perf.stress.precision})
 * @param step length of one step, warm-up included ({@code perf.stress.stepDuration})
 * @param stepWarmup leading part of a step left out of its numbers ({@code perf.stress.stepWarmup})
 * @param maxDuration the whole search stops before this ({@code perf.stress.maxDuration})
 * @param cooldown pause after a step that broke the SLO, before the service is probed again
 *     ({@code perf.stress.cooldown})
 * @param kneeFactor latency "starts to climb" at the first rate whose p99 exceeds this many times the p99 at the
 *     lowest rate ({@code perf.stress.kneeFactor})
 * @param generatorShare a failing step is the generator's limit, not the service's, when the generator's own send
 *     lag p99 is at least this share of the latency p99 ({@code perf.stress.generatorShare})
 * @param confirmFailures run a step that broke the SLO once more before it counts
 *     ({@code perf.stress.confirmFailures})
 */
public record StressSettings(
    LoadSettings load,
    Duration sloP99,
    double sloErrorRate,
    double startRate,
    double factor,
    double maxRate,
    double precision,
    Duration step,
    Duration stepWarmup,
    Duration maxDuration,
    Duration cooldown,
    double kneeFactor,
    double generatorShare,
    boolean confirmFailures) {

  public StressSettings {
    check(sloP99 != null && !sloP99.isNegative() && !sloP99.isZero(), "perf.stress.sloP99", sloP99,
        "a positive duration, e.g. 250ms");
    check(sloErrorRate >= 0 && sloErrorRate < 1, "perf.stress.sloErrorRate", sloErrorRate, "a share in [0, 1), "
        + "e.g. 0.01");
    check(startRate > 0, "perf.stress.startRate", startRate, "arrivals per second > 0");
    check(factor > 1, "perf.stress.factor", factor, "a number > 1, e.g. 2");
    check(maxRate >= startRate, "perf.stress.maxRate", maxRate, "arrivals per second >= perf.stress.startRate");
    check(precision > 0 && precision < 1, "perf.stress.precision", precision, "a fraction in (0, 1), e.g. 0.05");
    check(step != null && step.toMillis() >= 1000, "perf.stress.stepDuration", step, "at least 1s");
    check(stepWarmup != null && stepWarmup.compareTo(step) < 0, "perf.stress.stepWarmup", stepWarmup,
        "shorter than perf.stress.stepDuration");
    check(maxDuration != null && maxDuration.compareTo(step) >= 0, "perf.stress.maxDuration", maxDuration,
        "at least one step");
    check(kneeFactor > 1, "perf.stress.kneeFactor", kneeFactor, "a number > 1, e.g. 2");
    check(generatorShare > 0 && generatorShare <= 1, "perf.stress.generatorShare", generatorShare,
        "a share in (0, 1], e.g. 0.5");
  }

  private static void check(boolean ok, String parameter, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(parameter + " = " + value + " is not accepted; expected " + expected);
    }
  }
}
