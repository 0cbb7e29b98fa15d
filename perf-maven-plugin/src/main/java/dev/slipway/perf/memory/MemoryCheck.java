package dev.slipway.perf.memory;

import dev.slipway.common.AtomicFiles;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Progress;
import dev.slipway.perf.chart.HeapChart;
import dev.slipway.perf.load.LoadConfig;
import dev.slipway.perf.load.LoadRunner;
import dev.slipway.perf.load.LoadTest;
import dev.slipway.perf.load.TargetUnreachableException;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code perf:memory} without Maven: starts (or connects to) the JVM, runs a constant open-model load against it
 * for the window, meanwhile asks for a full GC every {@code gcInterval} and records the heap after every full GC
 * (GC notifications over JMX) plus heap in use and RSS every {@code sampleInterval}; then decides leak / plateau /
 * stable ({@link LeakDetector}) and collects the evidence: a class-histogram diff between the end of the warm-up
 * and the end of the window, JFR old-object samples with their paths to GC roots, and a heap dump if asked for.
 * Writes {@code memory.json}, {@code memory.md} and {@code memory-heap.svg} (and {@code memory.jfr}) into the
 * output folder.
 */
public final class MemoryCheck {
  /** How long to wait for GC notifications still on their way after the last forced collection. */
  private static final long NOTIFICATION_GRACE_MILLIS = 1500;

  private final Log log;

  public MemoryCheck(Log log) {
    this.log = log;
  }

  public MemoryReport run(MemorySettings s)
      throws InvalidInputException, MemoryException, TargetUnreachableException, IOException {
    LoadConfig config = LoadTest.resolve(s.load());
    if (config.model() != WorkloadModel.OPEN) {
      throw new InvalidInputException("perf:memory runs an open-model load: give perf.memory.rate (arrivals per "
          + "second)");
    }
    double loadSeconds = config.runLength().toNanos() / 1e9;
    double warmup = s.warmup().toNanos() / 1e9;
    if (warmup >= loadSeconds) {
      throw new InvalidInputException("perf.memory.warmup (" + s.warmup().toSeconds() + " s) must be shorter than "
          + "perf.memory.duration (" + (long) loadSeconds + " s)");
    }
    Files.createDirectories(s.outputDir());
    Path jfrFile = s.outputDir().resolve("memory.jfr");
    Files.deleteIfExists(jfrFile);
    List<String> notes = new ArrayList<>();
    try (WatchedJvm jvm = WatchedJvm.open(s.jvm(), log)) {
      List<HeapSample> samples = new CopyOnWriteArrayList<>();
      List<MemoryPoint> points = new CopyOnWriteArrayList<>();
      AtomicReference<RunResult> result = new AtomicReference<>();
      AtomicReference<Throwable> loadFailure = new AtomicReference<>();
      long loadStart = System.nanoTime();
      long loadStartMillis = System.currentTimeMillis();
      jvm.onFullGc(loadStartMillis, samples::add);
      Thread load = new Thread(() -> {
        try {
          result.set(new LoadRunner(log).run(config, 1, null));
        } catch (Throwable t) {
          loadFailure.set(t);
        }
      }, "slipway-perf-memory-load");
      load.setDaemon(true);
      log.info(String.format(Locale.ROOT, "perf:memory: %.0f s of load at %s req/s; full GC every %s, warm-up %.0f s "
          + "excluded", loadSeconds, num(s.load().rate()), s.gcInterval().isZero() ? "(never: the JVM's own only)"
          : s.gcInterval().toMillis() / 1000.0 + " s", warmup));
      load.start();

      // Forced collections and readings run on their own threads, so that a slow JMX call (a class histogram, JFR
      // starting up in a busy JVM) delays neither.
      Progress progress = new Progress(log, s.load().progressInterval() == null ? Duration.ofSeconds(5)
          : s.load().progressInterval());
      ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "slipway-perf-memory-sampler");
        t.setDaemon(true);
        return t;
      });
      List<String> failures = new CopyOnWriteArrayList<>();
      if (!s.gcInterval().isZero()) {
        long every = s.gcInterval().toMillis();
        timers.scheduleWithFixedDelay(() -> {
          try {
            jvm.gc();
          } catch (IOException | RuntimeException e) {
            failures.add("forced GC: " + e.getMessage());
          }
        }, every, every, TimeUnit.MILLISECONDS);
      }
      timers.scheduleAtFixedRate(() -> {
        try {
          double t = (System.nanoTime() - loadStart) / 1e9;
          MemoryPoint p = jvm.read(t);
          points.add(p);
          progress.report(progressLine(t, loadSeconds, p, samples), false);
        } catch (IOException | RuntimeException e) {
          failures.add("reading the heap: " + e.getMessage());
        }
      }, 0, Math.max(100, s.sampleInterval().toMillis()), TimeUnit.MILLISECONDS);

      ClassHistogram startHistogram = null;
      Double histogramAt = null;
      WatchedJvm.OldObjectRecording recording = null;
      try {
        // The old-object sampler starts with the load: it needs allocations to sample, and starting JFR in a busy
        // JVM can take seconds. Its samples are of objects still alive at the end, whenever they were allocated.
        if (s.jfr()) {
          try {
            recording = jvm.recordOldObjects();
            log.info(String.format(Locale.ROOT, "perf:memory: JFR old-object sampling started %.1f s into the load",
                (System.nanoTime() - loadStart) / 1e9));
          } catch (IOException e) {
            notes.add("no JFR old-object samples: " + e.getMessage());
          }
        }
        load.join(Math.max(1, s.warmup().toMillis() - (System.nanoTime() - loadStart) / 1_000_000));
        if (load.isAlive()) {
          // The first histogram is taken when the warm-up ends, so what warm-up allocated (class loading, caches
          // built on the first requests) is not counted as growth.
          try {
            startHistogram = ClassHistogram.parse(jvm.classHistogram());
            histogramAt = (System.nanoTime() - loadStart) / 1e9;
          } catch (IOException e) {
            notes.add("no class histogram: " + e.getMessage());
          }
        }
        load.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MemoryException("perf:memory was interrupted", e);
      } finally {
        timers.shutdownNow();
      }
      failures.stream().distinct().limit(5).forEach(f -> notes.add("during the window: " + f));
      if (loadFailure.get() != null) {
        Throwable f = loadFailure.get();
        if (f instanceof TargetUnreachableException u) {
          throw u;
        }
        throw new MemoryException("the load stopped with an error: " + f, f);
      }
      if (result.get() != null && result.get().aborted() != null) {
        throw new MemoryException("the load was aborted (" + result.get().aborted() + "); a memory verdict needs "
            + "the service under load for the whole window");
      }
      double end = (System.nanoTime() - loadStart) / 1e9;
      if (!s.gcInterval().isZero()) {
        jvm.gc();
      }
      sleep(NOTIFICATION_GRACE_MILLIS);
      points.add(jvm.read((System.nanoTime() - loadStart) / 1e9));
      List<MemoryPoint> readings = new ArrayList<>(points);
      readings.sort(Comparator.comparingDouble(MemoryPoint::t));
      List<HeapSample> sorted = new ArrayList<>(samples);
      sorted.sort(Comparator.comparingDouble(HeapSample::t));
      double to = sorted.isEmpty() ? end : Math.max(end, sorted.get(sorted.size() - 1).t());
      LeakDetector.Analysis a = new LeakDetector(s.detector()).analyse(sorted, warmup, to);
      log.info("perf:memory: " + a.verdict() + ": " + a.reason());

      List<ClassHistogram.Growth> byBytes = List.of();
      List<ClassHistogram.Growth> byCount = List.of();
      if (startHistogram != null) {
        try {
          ClassHistogram endHistogram = ClassHistogram.parse(jvm.classHistogram());
          byBytes = endHistogram.growthSince(startHistogram, true, s.top());
          byCount = endHistogram.growthSince(startHistogram, false, s.top());
        } catch (IOException e) {
          notes.add("no class histogram at the end: " + e.getMessage());
        }
      }
      List<OldObjects.Group> oldObjects = List.of();
      String jfrName = null;
      if (recording != null) {
        try {
          recording.stopTo(jfrFile);
          jfrName = jfrFile.getFileName().toString();
          oldObjects = OldObjects.read(jfrFile, s.top());
          if (a.verdict() != Verdict.STABLE && oldObjects.stream().allMatch(g -> g.retainedBy() == null)) {
            // JFR samples at TLAB refills, not at random: see WatchedJvm.OLD_OBJECT_SAMPLING_OPTIONS
            notes.add("the JFR old-object samples name no application class: JFR samples one object per TLAB "
                + "refill, which can miss the growing objects"
                + (s.jvm() instanceof JvmTarget.Remote ? "; start the watched JVM with "
                + WatchedJvm.OLD_OBJECT_SAMPLING_OPTIONS + " so that samples fall all through each request" : ""));
          }
        } catch (IOException | RuntimeException e) {
          notes.add("could not read the JFR recording: " + e.getMessage());
        }
      }
      String heapDump = null;
      if (s.heapDump() == MemorySettings.HeapDump.ALWAYS
          || s.heapDump() == MemorySettings.HeapDump.LEAK && a.verdict() == Verdict.LEAK) {
        Path dump = s.outputDir().resolve("memory.hprof").toAbsolutePath();
        try {
          jvm.dumpHeap(dump);
          heapDump = jvm.local() ? s.outputDir().toAbsolutePath().relativize(dump).toString()
              : dump + " (on the watched JVM's host)";
          log.info("perf:memory: heap dump written to " + dump + (jvm.local() ? "" : " on the watched JVM's host"));
        } catch (IOException | RuntimeException e) {
          notes.add("no heap dump: " + e.getMessage());
        }
      }
      notes.forEach(n -> log.warn("perf:memory: " + n));

      RunResult r = result.get();
      MemoryReport report = new MemoryReport(MemoryReport.SCHEMA, MemoryReport.VERSION, Instant.now(), a.verdict(),
          a.reason(), a.leakSince(), a.plateauFrom(), a.plateauMb() == null ? null : MemoryReport.round(a.plateauMb()),
          new MemoryReport.Jvm(jvm.description(), jvm.pid(), jvm.local()),
          new MemoryReport.Window(MemoryReport.round(end), warmup, MemoryReport.round(to),
              s.gcInterval().toMillis() / 1000.0),
          s.detector(), MemoryReport.TrendResult.of(a.whole(), warmup),
          MemoryReport.TrendResult.of(a.tail(), a.tailFrom() == null ? warmup : a.tailFrom()),
          load(r, s), sorted.stream().map(x -> new MemoryReport.Sample(MemoryReport.round(x.t()),
              MemoryReport.round(x.mb()), x.collector(), x.cause())).toList(),
          readings.stream().map(p -> new MemoryReport.Reading(MemoryReport.round(p.t()),
              MemoryReport.mb(p.heapUsedBytes()), MemoryReport.mb(p.heapCommittedBytes()),
              p.rssBytes() == null ? null : MemoryReport.mb(p.rssBytes()))).toList(),
          new MemoryReport.Evidence(histogramAt == null ? null : MemoryReport.round(histogramAt), byBytes, byCount,
              oldObjects, jfrName, heapDump, notes), "memory-heap.svg");
      write(report, s.outputDir());
      return report;
    }
  }

  /** Writes {@code memory.json}, {@code memory-heap.svg} and {@code memory.md} into {@code dir}. */
  public void write(MemoryReport report, Path dir) throws IOException {
    Path json = dir.resolve("memory.json");
    Json.writeFile(json, report);
    HeapChart.write(report, dir.resolve(report.chart()));
    Path md = dir.resolve("memory.md");
    AtomicFiles.write(md, MemoryMarkdown.render(report).getBytes(StandardCharsets.UTF_8));
    log.info("perf:memory: wrote " + json + ", " + md + " and " + dir.resolve(report.chart()));
  }

  private static MemoryReport.Load load(RunResult r, MemorySettings s) {
    if (r == null || r.total() == null) {
      return null;
    }
    EndpointResult t = r.total();
    Metric achieved = t.metrics().get("achievedRate");
    return new MemoryReport.Load(r.target(), s.load().rate(), t.requests(), t.errors().total(),
        achieved == null ? t.throughput() : achieved.value(), t.latency() == null ? null : t.latency().p99());
  }

  private static String progressLine(double t, double total, MemoryPoint p, List<HeapSample> samples) {
    HeapSample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
    return String.format(Locale.ROOT, "memory %.0fs/%.0fs  heap in use %.1f MB  after last full GC %s  (%d full GC "
        + "samples)%s", t, total, p.heapUsedBytes() / 1048576.0, last == null ? "-"
        : String.format(Locale.ROOT, "%.1f MB", last.mb()), samples.size(), p.rssBytes() == null ? ""
        : String.format(Locale.ROOT, "  RSS %.0f MB", p.rssBytes() / 1048576.0));
  }

  private static String num(Double v) {
    return v == null ? "-" : v == Math.rint(v) ? String.valueOf(v.longValue()) : String.valueOf(v);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
