package dev.slipway.perf.load;

import dev.slipway.perf.results.WorkloadModel;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one load run needs.
 *
 * @param target base URL; every request goes to its host and port, nowhere else
 * @param model {@code OPEN} (needs {@code schedule}) or {@code CLOSED} (needs {@code connections} and
 *     {@code duration})
 * @param schedule arrival phases for the open model
 * @param duration length of a closed-model run (warm-up included)
 * @param connections closed model: the number of connections, each sending as fast as responses return; open
 *     model: the most connections the pool may open
 * @param threads event-loop threads (0: half the available processors, at least one and at most
 *     {@code connections}, because the server under test usually shares the machine)
 * @param warmup leading part of the run excluded from every number
 * @param timeout a request not answered this long after its intended send time counts as a timeout
 * @param progressInterval how often a progress line is logged
 * @param labels copied into the result
 * @param data what each virtual user starts with (Artillery payloads and variables)
 */
public record LoadConfig(
    URI target,
    List<Scenario> scenarios,
    WorkloadModel model,
    ArrivalSchedule schedule,
    Duration duration,
    int connections,
    int threads,
    Duration warmup,
    Duration timeout,
    Duration progressInterval,
    Map<String, String> labels,
    VuData data) {

  public LoadConfig(URI target, List<Scenario> scenarios, WorkloadModel model, ArrivalSchedule schedule,
      Duration duration, int connections, int threads, Duration warmup, Duration timeout, Duration progressInterval,
      Map<String, String> labels) {
    this(target, scenarios, model, schedule, duration, connections, threads, warmup, timeout, progressInterval,
        labels, VuData.NONE);
  }

  public LoadConfig {
    data = data == null ? VuData.NONE : data;
    scenarios = List.copyOf(scenarios);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    warmup = warmup == null ? Duration.ZERO : warmup;
    timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    progressInterval = progressInterval == null ? Duration.ofSeconds(5) : progressInterval;
    if (model == WorkloadModel.UNKNOWN) {
      throw new IllegalArgumentException("a load run is OPEN or CLOSED");
    }
    if (model == WorkloadModel.OPEN && schedule == null) {
      throw new IllegalArgumentException("the open model needs an arrival schedule");
    }
    if (model == WorkloadModel.CLOSED && (duration == null || connections < 1)) {
      throw new IllegalArgumentException("the closed model needs a duration and at least one connection");
    }
  }

  /** Length of the whole run, warm-up included. */
  public Duration runLength() {
    return model == WorkloadModel.OPEN ? schedule.duration() : duration;
  }

  public int effectiveThreads() {
    int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors() / 2;
    return Math.max(1, Math.min(t, connections));
  }
}
