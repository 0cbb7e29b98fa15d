package dev.slipway.perf.load;

import dev.slipway.common.Log;
import dev.slipway.common.Progress;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.Latency;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Runs one load test: checks that the target answers, drives the event loops, logs a progress line every few
 * seconds, writes interval histograms to an HdrHistogram log, and returns the result of the measured window.
 *
 * <p>A target that cannot be reached fails before any load is sent ({@link TargetUnreachableException}). A target
 * that stops answering mid-run (no response for {@link #DEAD_AFTER} while connections fail or time out) ends the run
 * early; the result says so in {@link RunResult#aborted()} instead of waiting out the schedule.
 */
public final class LoadRunner {
  /** How long a run carries on with nothing but failures before it is declared dead. */
  static final Duration DEAD_AFTER = Duration.ofSeconds(2);
  private static final long TICK_NANOS = 1_000_000_000L;
  private static final long START_DELAY_NANOS = 50_000_000L;

  private final Log log;

  public LoadRunner(Log log) {
    this.log = log;
  }

  /**
   * Runs {@code config} once.
   *
   * @param run 1-based index of this run, recorded in the result
   * @param histogramLog file for the HdrHistogram interval log (one tagged histogram per endpoint per second), or
   *     {@code null}; streamed to a temporary file in the same folder and moved over this path when the run ends
   *     (also when it was aborted), so the path never holds a half-written log
   */
  public RunResult run(LoadConfig config, int run, Path histogramLog)
      throws TargetUnreachableException, IOException {
    InetSocketAddress address = preflight(config);
    CompiledPlan plan = new CompiledPlan(config.target(), config.scenarios(), config.data());
    RunControl control = new RunControl();
    boolean open = config.model() == WorkloadModel.OPEN;
    int workers = config.effectiveThreads();
    long runNanos = config.runLength().toNanos();
    long warmupNanos = Math.min(config.warmup().toNanos(), runNanos);
    long start = System.nanoTime() + START_DELAY_NANOS;
    Instant wallStart = Instant.now().plusNanos(START_DELAY_NANOS);
    long end = start + runNanos;
    List<Thread> threads = new ArrayList<>();
    List<EventLoop> loops = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      int share = config.connections() / workers + (i < config.connections() % workers ? 1 : 0);
      EventLoop loop = new EventLoop(control, plan, config.schedule(), address, i, workers, Math.max(1, share), open,
          start, start + warmupNanos, end, config.timeout().toNanos());
      loops.add(loop);
      Thread t = new Thread(loop, "slipway-perf-loop-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    log.info(String.format(Locale.ROOT, "load %s: %s, %s, %d event loop(s), warm-up %s excluded", config.target(),
        describe(config), human(config.runLength()), workers, human(config.warmup())));
    // The monitor opens the histogram log, so a log that cannot be written fails before any load is sent.
    Monitor monitor = new Monitor(config, plan, control, start, open, histogramLog, wallStart);
    threads.forEach(Thread::start);

    long abortedAt;
    boolean finished = false;
    try {
      abortedAt = monitor.watch(threads, start + runNanos + config.timeout().toNanos() + 5 * TICK_NANOS);
      finished = true;
    } finally {
      monitor.close(finished);
    }
    long measuredEnd = abortedAt > 0 ? Math.min(abortedAt, end) : end;
    double measured = Math.max(1e-9, (measuredEnd - start - warmupNanos) / 1e9);
    List<EndpointResult> endpoints = new ArrayList<>();
    Histogram all = new Histogram(1, EndpointStats.HIGHEST_MICROS, 3);
    Errors allErrors = Errors.NONE;
    long allRequests = 0;
    Map<String, Long> allCodes = new java.util.TreeMap<>();
    for (int i = 0; i < plan.endpoints.length; i++) {
      EndpointStats e = plan.endpoints[i];
      Histogram h = monitor.cumulative[i];
      all.add(h);
      Errors errors = new Errors(e.status.sum(), e.timeout.sum(), e.connect.sum(), e.other.sum(), e.check.sum(),
          e.notSent.sum());
      // every arrival is one response or one failure: status and check failures are responses too
      long requests = e.responses.sum() + errors.timeout() + errors.connect() + errors.other() + errors.notSent();
      Map<String, Long> codes = e.statusCodes();
      codes.forEach((k, v) -> allCodes.merge(k, v, Long::sum));
      endpoints.add(endpoint(e.name, requests, errors, e.responses.sum() / measured, h, Map.of(), codes));
      allErrors = allErrors.plus(errors);
      allRequests += requests;
    }
    long responses = all.getTotalCount();
    Map<String, Metric> m = new LinkedHashMap<>();
    m.put("vusers.created", new Metric(plan.vusersCreated.sum(), "count", true));
    m.put("vusers.completed", new Metric(plan.vusersCompleted.sum(), "count", true));
    m.put("vusers.failed", new Metric(plan.vusersFailed.sum(), "count", false));
    long queued = 0;
    long notSent = 0;
    int maxQueue = 0;
    if (open) {
      // How well the generator kept to the schedule, so a slow client is not mistaken for a slow server.
      Histogram lag = new Histogram(1, EndpointStats.HIGHEST_MICROS, 3);
      long inWindow = 0;
      for (EventLoop l : loops) {
        lag.add(l.sendLag);
        inWindow += l.inWindow;
        queued += l.queued;
        notSent += l.notSent;
        maxQueue = Math.max(maxQueue, l.maxQueue);
      }
      m.put("scheduledArrivals", new Metric(config.schedule().arrivalsBefore(measuredEnd - start)
          - config.schedule().arrivalsBefore(warmupNanos), "count", true));
      // arrivals that waited because the pool was at its cap: the generator's limit, not the server's answer
      m.put("generator.queuedArrivals", new Metric(queued, "count", false));
      m.put("generator.notSent", new Metric(notSent, "count", false));
      m.put("scheduledRate", new Metric(Math.round(config.schedule().arrivalsBefore(measuredEnd - start)
          - config.schedule().arrivalsBefore(warmupNanos)) / measured, "req/s", true));
      m.put("achievedRate", new Metric(Math.round(inWindow / measured * 100) / 100.0, "req/s", true));
      if (lag.getTotalCount() > 0) {
        m.put("sendLag.p50", new Metric(ms(lag.getValueAtPercentile(50)), "ms", false));
        m.put("sendLag.p99", new Metric(ms(lag.getValueAtPercentile(99)), "ms", false));
        m.put("sendLag.max", new Metric(ms(lag.getMaxValue()), "ms", false));
      }
    }
    EndpointResult total = endpoint("total", allRequests, allErrors, responses / measured, all, m, allCodes);
    if (queued > 0) {
      log.warn(String.format(Locale.ROOT, "run %d: the load generator hit its connection cap (perf.connections=%d): "
          + "%d arrival(s) waited for a free connection (up to %d at once; the wait is in their latency and in "
          + "sendLag) and %d were never sent within perf.timeout (errors of cause notSent). This is the generator's "
          + "limit, not a slow answer: the server answered every request it was sent within %s of sending, or "
          + "timed out. Raise perf.connections, or lower the rate", run, config.connections(), queued, maxQueue,
          notSent, human(config.timeout())));
    }
    String aborted = control.abortReason();
    if (aborted != null) {
      log.warn("run " + run + " aborted: " + aborted);
    }
    return new RunResult(RunResult.SCHEMA_VERSION, "slipway", config.model(), wallStart.plusNanos(warmupNanos),
        measured, warmupNanos / 1e9, config.target().toString(), run, null, aborted, config.labels(), total,
        endpoints);
  }

  private static EndpointResult endpoint(String name, long requests, Errors errors, double throughput, Histogram h,
      Map<String, Metric> extra, Map<String, Long> codes) {
    Latency latency = h.getTotalCount() == 0 ? null : new Latency(ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
        ms(h.getMaxValue()), Math.round(h.getMean()) / 1000.0);
    Map<String, Metric> m = new LinkedHashMap<>();
    if (h.getTotalCount() > 0) {
      // the percentiles Artillery's ensure thresholds may name besides the standard ones
      m.put("latency.min", new Metric(ms(h.getMinValue()), "ms", false));
      m.put("latency.p75", new Metric(ms(h.getValueAtPercentile(75)), "ms", false));
      m.put("latency.p95", new Metric(ms(h.getValueAtPercentile(95)), "ms", false));
    }
    m.putAll(extra);
    return new EndpointResult(name, requests, errors, Math.round(throughput * 100) / 100.0, latency, m, codes);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  private static String describe(LoadConfig c) {
    if (c.model() == WorkloadModel.OPEN) {
      StringBuilder sb = new StringBuilder("open model");
      for (Phase p : c.schedule().phases()) {
        sb.append(String.format(Locale.ROOT, " [%s at %s/s%s]", human(p.duration()), num(p.arrivalRate()),
            p.rampTo() != p.arrivalRate() ? " -> " + num(p.rampTo()) + "/s" : ""));
      }
      return sb.append(", up to ").append(c.connections()).append(" connections").toString();
    }
    return "closed model, " + c.connections() + " connections (latency measured per connection, so a stall delays "
        + "the requests behind it instead of showing in the percentiles)";
  }

  static String num(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  /** Resolves the target and opens (and closes) one connection, so an unreachable target fails before the run. */
  static InetSocketAddress preflight(LoadConfig config) throws TargetUnreachableException {
    URI target = config.target();
    InetAddress host;
    try {
      host = InetAddress.getByName(target.getHost());
    } catch (UnknownHostException e) {
      throw new TargetUnreachableException("target " + target + ": unknown host '" + target.getHost()
          + "'; no load was sent", e);
    }
    int port = target.getPort() < 0 ? 80 : target.getPort();
    InetSocketAddress address = new InetSocketAddress(host, port);
    int timeout = (int) Math.min(config.timeout().toMillis(), 3000);
    try (Socket s = new Socket()) {
      s.connect(address, timeout);
    } catch (IOException e) {
      throw new TargetUnreachableException("target " + target + " is unreachable: cannot connect to " + address
          + " (" + e.getMessage() + "); no load was sent. Is the service running (see perf.start)?", e);
    }
    return address;
  }

  /** The monitor thread's view: interval histograms, progress lines, the histogram log, dead-target detection. */
  private final class Monitor {
    final Histogram[] cumulative;
    private final Histogram[] interval;
    private final LoadConfig config;
    private final CompiledPlan plan;
    private final RunControl control;
    private final long start;
    private final boolean open;
    private final Progress progress;
    private final HistogramLogWriter writer;
    private final PrintStream writerOut;
    private final Path hlog;
    private final Path hlogTemp;
    private final long[] responseHistory = new long[(int) (DEAD_AFTER.toNanos() / TICK_NANOS) + 1];
    private final long[] failureHistory = new long[responseHistory.length];
    private int ticks;
    private long lastProgressResponses;
    private long lastProgressAt;

    Monitor(LoadConfig config, CompiledPlan plan, RunControl control, long start, boolean open, Path hlog,
        Instant wallStart) throws IOException {
      this.config = config;
      this.plan = plan;
      this.control = control;
      this.start = start;
      this.open = open;
      this.progress = new Progress(log, config.progressInterval());
      cumulative = new Histogram[plan.endpoints.length];
      interval = new Histogram[plan.endpoints.length];
      for (int i = 0; i < cumulative.length; i++) {
        cumulative[i] = new Histogram(1, EndpointStats.HIGHEST_MICROS, 3);
      }
      this.hlog = hlog;
      if (hlog != null) {
        // Streamed to a temp file beside the log and moved over it when the run ends, so a reader (or the next
        // goal) never sees a half-written log from a run that is still going or that crashed.
        Path dir = hlog.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        hlogTemp = Files.createTempFile(dir, "." + hlog.getFileName(), ".tmp");
        writerOut = new PrintStream(Files.newOutputStream(hlogTemp), false, "UTF-8");
        writer = new HistogramLogWriter(writerOut);
        writer.outputLogFormatVersion();
        writer.outputStartTime(wallStart.toEpochMilli());
        writer.setBaseTime(wallStart.toEpochMilli());
        writer.outputLegend();
      } else {
        hlogTemp = null;
        writer = null;
        writerOut = null;
      }
      lastProgressAt = start;
    }

    /** Waits for the loops, ticking once a second; returns the abort time or 0. */
    long watch(List<Thread> threads, long deadline) {
      long nextTick = start + TICK_NANOS;
      while (true) {
        boolean alive = false;
        for (Thread t : threads) {
          long wait = Math.max(0, nextTick - System.nanoTime());
          if (wait > 0) {
            try {
              t.join(Math.max(1, wait / 1_000_000));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              control.abort("interrupted");
            }
          }
          alive |= t.isAlive();
        }
        long now = System.nanoTime();
        if (!alive) {
          tick(now, true);
          return control.aborted() ? now : 0;
        }
        if (now >= nextTick) {
          tick(now, false);
          nextTick += TICK_NANOS;
          checkDead(now);
          if (now > deadline) {
            control.abort("the run did not finish within its schedule plus the request timeout");
          }
        }
        if (control.aborted()) {
          for (Thread t : threads) {
            try {
              t.join(2000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          tick(System.nanoTime(), true);
          return now;
        }
      }
    }

    private void checkDead(long now) {
      int slot = ticks % responseHistory.length;
      long responses = control.responses.sum();
      long failures = control.failures.sum();
      int oldest = (ticks + 1) % responseHistory.length;
      boolean full = ticks >= responseHistory.length - 1;
      if (full && responses == responseHistory[oldest] && failures > failureHistory[oldest]) {
        control.abort(String.format(Locale.ROOT, "the target stopped answering %.1fs into the run: no response for "
            + "%s while requests failed (last failure: %s)", (now - start) / 1e9, human(DEAD_AFTER),
            control.lastFailure()));
      }
      responseHistory[slot] = responses;
      failureHistory[slot] = failures;
      ticks++;
    }

    private void tick(long now, boolean last) {
      Histogram merged = new Histogram(1, EndpointStats.HIGHEST_MICROS, 3);
      for (int i = 0; i < plan.endpoints.length; i++) {
        interval[i] = plan.endpoints[i].recorder.getIntervalHistogram(interval[i]);
        cumulative[i].add(interval[i]);
        merged.add(interval[i]);
        if (writer != null && interval[i].getTotalCount() > 0) {
          interval[i].setTag(plan.endpoints[i].name.replaceAll("[\\s,]", "_"));
          writer.outputIntervalHistogram(interval[i]);
        }
      }
      long responses = control.responses.sum();
      double secs = (now - lastProgressAt) / 1e9;
      String rate = secs <= 0 ? "-" : num(Math.round((responses - lastProgressResponses) / secs));
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s/%s  %s req/s",
          human(Duration.ofNanos(Math.max(0, now - start))), human(config.runLength()), rate));
      if (open) {
        long sched = config.schedule().arrivalsBefore(now - start) - config.schedule().arrivalsBefore(lastProgressAt
            - start);
        line.append(" (scheduled ").append(secs <= 0 ? "-" : num(Math.round(sched / secs))).append("/s)");
      }
      long errors = 0;
      for (EndpointStats e : plan.endpoints) {
        errors += e.errors();
      }
      line.append("  errors ").append(errors);
      line.append("  p99 ").append(merged.getTotalCount() == 0 ? "-"
          : String.format(Locale.ROOT, "%.2f ms", merged.getValueAtPercentile(99) / 1000.0));
      line.append("  connections ").append(control.connections.get());
      long limited = control.generatorLimited.sum();
      if (open && control.connections.get() >= config.connections()) {
        line.append(" (cap reached: arrivals wait for the generator)");
      }
      if (limited > 0) {
        line.append("  not sent ").append(limited).append(" (generator-limited)");
      }
      if (now - start < config.warmup().toNanos()) {
        line.append("  (warm-up)");
      }
      if (progress.report(line.toString(), last && secs >= 0.5)) {
        lastProgressAt = now;
        lastProgressResponses = responses;
      }
    }

    /** Closes the histogram log; moves it into place if the run ended ({@code finished}), else drops it. */
    void close(boolean finished) throws IOException {
      if (writerOut == null) {
        return;
      }
      writerOut.close();
      try {
        if (writerOut.checkError()) {
          throw new IOException("could not write the histogram log " + hlog);
        }
        if (finished) {
          try {
            Files.move(hlogTemp, hlog, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(hlogTemp, hlog, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      } finally {
        Files.deleteIfExists(hlogTemp);
      }
    }
  }
}
