package dev.slipway.deploy.monitor;

import dev.slipway.common.Durations;
import dev.slipway.common.Log;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.pipeline.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Watches CloudWatch for a window after a deployment: polls every interval, prints a progress line, and decides as
 * soon as it can. An error rate over the threshold (once enough requests were seen to judge it) or a named alarm in
 * ALARM fails at once; otherwise the window runs out and the verdict is PASSED, or NOT_JUDGED when too few requests
 * arrived to say anything (missing data is not health).
 */
public final class Monitor {
  /** PASSED, FAILED, NOT_JUDGED, or INTERRUPTED. */
  public enum Verdict {
    PASSED,
    FAILED,
    NOT_JUDGED,
    INTERRUPTED
  }

  /** One poll: when, what was summed since the start, and the alarms' states. */
  public record Sample(Instant at, double requests, double errors, Double ratePercent, Map<String, String> alarms) {}

  /** The outcome, as journaled and reported. */
  public record Report(Verdict verdict, String detail, Instant startedAt, Instant decidedAt, Duration window,
      double thresholdPercent, long minRequests, double requests, double errors, Double ratePercent,
      List<Sample> samples) {}

  private final CloudWatch cloudWatch;
  private final Clock clock;
  private final Log log;

  public Monitor(CloudWatch cloudWatch, Clock clock, Log log) {
    this.cloudWatch = cloudWatch;
    this.clock = clock;
    this.log = log;
  }

  /** Runs the window; {@code queries} have their dimensions resolved. */
  public Report run(MonitorSpec spec, List<MetricQuery> queries, BooleanSupplier aborted)
      throws AwsException, InterruptedException {
    Instant start = clock.now();
    Instant end = start.plus(spec.window());
    // metrics are per period and aligned to it: the period the monitor starts in is included
    int period = queries.stream().mapToInt(MetricQuery::period).max().orElse(60);
    Instant from = Instant.ofEpochSecond(start.getEpochSecond() - Math.floorMod(start.getEpochSecond(), period));
    List<Sample> samples = new ArrayList<>();
    log.info("MONITOR watching " + Durations.format(spec.window()) + " of CloudWatch, every "
        + Durations.format(spec.interval()) + ": error rate of " + String.join("+", spec.errorIds()) + " over "
        + String.join("+", spec.requestIds()) + " must stay at most " + fmt(spec.thresholdPercent())
        + " % (judged from " + spec.minRequests() + " requests)"
        + (spec.alarms().isEmpty() ? "" : "; alarms " + spec.alarms() + " must not be in ALARM"));
    Sample last = null;
    while (true) {
      Instant now = clock.now();
      Duration step = Duration.between(now, end).compareTo(spec.interval()) < 0 ? Duration.between(now, end)
          : spec.interval();
      if (!step.isZero() && !step.isNegative()) {
        clock.sleep(step);
      }
      if (aborted.getAsBoolean()) {
        return report(Verdict.INTERRUPTED, "interrupted", spec, start, samples, last);
      }
      now = clock.now();
      Map<String, List<CloudWatch.Datapoint>> data = cloudWatch.metricData(queries, from, now.plusSeconds(1));
      double requests = sum(data, spec.requestIds());
      double errors = sum(data, spec.errorIds());
      Double rate = requests > 0 ? 100.0 * errors / requests : null;
      Map<String, String> alarms = new java.util.LinkedHashMap<>();
      List<String> firing = new ArrayList<>();
      for (CloudWatch.Alarm a : cloudWatch.alarms(spec.alarms())) {
        alarms.put(a.name(), a.state());
        if ("ALARM".equals(a.state())) {
          firing.add(a.name() + (a.reason() == null ? "" : " (" + a.reason() + ")"));
        }
      }
      last = new Sample(now, requests, errors, rate, alarms);
      samples.add(last);
      Duration elapsed = Duration.between(start, now);
      log.info("MONITOR " + Durations.format(elapsed) + " of " + Durations.format(spec.window()) + ": "
          + plural(requests, "request") + ", " + plural(errors, "error")
          + (rate == null ? "" : " (" + fmt(rate) + " %)")
          + (requests < spec.minRequests() ? ", not judged yet (fewer than " + spec.minRequests() + " requests)" : "")
          + (alarms.isEmpty() ? "" : "; alarms " + alarms));
      if (!firing.isEmpty()) {
        return report(Verdict.FAILED, "CloudWatch alarm in ALARM: " + String.join(", ", firing), spec, start,
            samples, last);
      }
      if (rate != null && requests >= spec.minRequests() && rate > spec.thresholdPercent()) {
        return report(Verdict.FAILED, "error rate " + fmt(rate) + " % (" + count(errors) + " errors in "
            + count(requests) + " requests after " + Durations.format(elapsed) + ") is over the "
            + fmt(spec.thresholdPercent()) + " % threshold", spec, start, samples, last);
      }
      if (!now.isBefore(end)) {
        if (requests < spec.minRequests()) {
          return report(Verdict.NOT_JUDGED, "NOT JUDGED: only " + count(requests) + " requests in "
              + Durations.format(spec.window()) + ", fewer than the " + spec.minRequests() + " needed to judge the "
              + "error rate (missing data is not health)" + (rate == null ? "" : "; " + plural(errors, "error")),
              spec, start, samples, last);
        }
        return report(Verdict.PASSED, "error rate " + fmt(rate) + " % (" + count(errors) + " errors in "
            + count(requests) + " requests over " + Durations.format(spec.window()) + ") within "
            + fmt(spec.thresholdPercent()) + " %" + (alarms.isEmpty() ? "" : "; alarms " + alarms), spec, start,
            samples, last);
      }
    }
  }

  private Report report(Verdict verdict, String detail, MonitorSpec spec, Instant start, List<Sample> samples,
      Sample last) {
    return new Report(verdict, detail, start, clock.now(), spec.window(), spec.thresholdPercent(), spec.minRequests(),
        last == null ? 0 : last.requests(), last == null ? 0 : last.errors(), last == null ? null : last.ratePercent(),
        List.copyOf(samples));
  }

  private static double sum(Map<String, List<CloudWatch.Datapoint>> data, List<String> ids) {
    double total = 0;
    for (String id : ids) {
      for (CloudWatch.Datapoint p : data.getOrDefault(id, List.of())) {
        total += p.value();
      }
    }
    return total;
  }

  private static String plural(double v, String noun) {
    return count(v) + " " + noun + (v == 1 ? "" : "s");
  }

  private static String count(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
