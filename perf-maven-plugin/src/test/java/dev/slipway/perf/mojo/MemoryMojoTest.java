package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Json;
import dev.slipway.perf.memory.MemoryReport;
import dev.slipway.perf.memory.OldObjects;
import dev.slipway.perf.memory.Verdict;
import dev.slipway.perf.testservers.Fork;
import dev.slipway.perf.testservers.MemoryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * perf:memory end to end against real forked JVMs (MemoryServer, JMX switched on by the goal through
 * JDK_JAVA_OPTIONS), each under a real open-model load: a service that retains every body it is sent is flagged as a
 * leak within 60 s with evidence naming the retaining class; a service whose heap saw-tooths is not flagged; a
 * bounded cache is a plateau. The three run at the same time (about 60 s in all) to keep the suite short; the
 * 20-run false-alarm check of the saw-tooth is a simulation of the detector ({@code LeakDetectorTest}).
 */
class MemoryMojoTest {
  static final String REGISTRY = "dev.slipway.perf.testservers.RetainingRegistry";
  @TempDir static Path dir;
  static final Map<String, CompletableFuture<Throwable>> runs = new java.util.HashMap<>();

  static MemoryMojo mojo(String mode, String duration) throws Exception {
    return mojo(mode, duration, dir);
  }

  /** A perf:memory of MemoryServer in {@code mode}, writing under {@code base}. */
  static MemoryMojo mojo(String mode, String duration, Path base) throws Exception {
    int port = LoadMojoTest.freePort();
    MemoryMojo m = new MemoryMojo();
    m.target = "http://127.0.0.1:" + port;
    m.health = "http://127.0.0.1:" + port + "/health";
    // C1 only and the serial collector: a small service's JVM that warms up quickly on a busy 2-core machine
    m.start = Fork.command(MemoryServer.class, "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1", mode);
    m.startEnvironment = Map.of("PORT", String.valueOf(port));
    Request post = new Request();
    post.method = "POST";
    post.path = "/retain";
    post.body = "x".repeat(40 * 1024);
    m.requests = List.of(post);
    m.timeout = "10s";
    m.progressInterval = "10s";
    m.startTimeout = "60s";
    m.outputDirectory = base.resolve(mode).toFile();
    m.basedir = base.toFile();
    m.memoryDuration = duration;
    m.memoryRate = 20;
    m.memoryWarmup = "6s";
    m.gcInterval = "3s";
    m.sampleInterval = "1s";
    m.alpha = 0.01;
    m.tailAlpha = 0.05;
    m.minSlope = 1.0;
    m.tailFraction = 0.5;
    m.minSamples = 8;
    m.heapDump = mode.equals("leak") ? "leak" : "never";
    m.jfr = true;
    m.top = 10;
    m.failOnLeak = true;
    return m;
  }

  @BeforeAll
  static void runAllThreeAtOnce() throws Exception {
    for (String mode : List.of("leak", "sawtooth", "cache")) {
      MemoryMojo m = mojo(mode, "60s");
      runs.put(mode, CompletableFuture.supplyAsync(() -> {
        try {
          m.execute();
          return null;
        } catch (Throwable t) {
          return t;
        }
      }));
    }
    CompletableFuture.allOf(runs.values().toArray(CompletableFuture[]::new)).join();
    keepCharts(dir, "memory-heap.svg", List.of("leak", "sawtooth", "cache"));
  }

  /** Copies each run's chart to target/chart-screenshots (as {@code <run>-<chart>}) to be looked at. */
  static void keepCharts(Path base, String chart, List<String> runDirs) throws java.io.IOException {
    Path keep = Path.of("target", "chart-screenshots");
    Files.createDirectories(keep);
    for (String run : runDirs) {
      Path svg = base.resolve(run).resolve(chart);
      if (Files.exists(svg)) {
        Files.copy(svg, keep.resolve(run + "-" + chart), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  MemoryReport report(String mode) throws Exception {
    return Json.readFile(dir.resolve(mode).resolve("memory.json"), MemoryReport.class, "memory report");
  }

  @Test
  void aRetainingServiceIsALeakWithin60sAndTheEvidenceNamesTheRetainingClass() throws Exception {
    assertThat(runs.get("leak").join()).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("memory leak");
    MemoryReport r = report("leak");
    System.out.printf("leak: verdict %s after %.0f s of load, slope %.1f MB/min (p=%.2g), %d samples%n",
        r.verdict(), r.leakSinceSeconds(), r.trend().slopeMbPerMin(), r.trend().pValue(), r.trend().samples());
    assertThat(r.verdict()).isEqualTo(Verdict.LEAK);
    assertThat(r.leakSinceSeconds()).isLessThanOrEqualTo(60.0);
    assertThat(r.trend().slopeMbPerMin()).as("40 KB x 20/s is about 47 MB/min").isBetween(20.0, 80.0);
    assertThat(r.evidence().growthByCount()).extracting(g -> g.className()).contains(REGISTRY + "$Entry");
    assertThat(r.evidence().growthByBytes().get(0).className()).isEqualTo("byte[]");
    assertThat(r.evidence().oldObjects()).isNotEmpty();
    r.evidence().oldObjects().forEach(g -> System.out.printf("  old objects: %s x %d held by %s, allocated at %s, "
        + "path %s%n", g.type(), g.samples(), g.retainedBy(), g.allocationSite(), g.path()));
    OldObjects.Group top = r.evidence().oldObjects().stream().filter(g -> REGISTRY.equals(g.retainedBy()))
        .findFirst().orElseThrow(() -> new AssertionError("no old-object group held by " + REGISTRY));
    assertThat(top.type()).isEqualTo("byte[]");
    assertThat(String.join("\n", top.path())).contains("payload : " + REGISTRY + "$Entry")
        .contains("Class Name: " + REGISTRY);
    assertThat(top.allocationSite()).as("the frame that read the body").isNotNull();
    String md = Files.readString(dir.resolve("leak").resolve("memory.md"));
    assertThat(md).contains("# perf:memory: LEAK").contains("held by `" + REGISTRY + "`")
        .contains("![heap over time](memory-heap.svg)");
    assertThat(Files.readString(dir.resolve("leak").resolve("memory-heap.svg"))).contains("<svg")
        .contains("heap after full GC");
    assertThat(dir.resolve("leak").resolve("memory.jfr")).isNotEmptyFile();
    // asked for on a leak: an HPROF file, as the JVM writes it
    assertThat(r.evidence().heapDump()).isEqualTo("memory.hprof");
    try (var in = Files.newInputStream(dir.resolve("leak").resolve("memory.hprof"))) {
      assertThat(new String(in.readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE");
    }
  }

  @Test
  void aSawToothHeapIsNotALeak() throws Exception {
    assertThat(runs.get("sawtooth").join()).isNull();
    assertThat(dir.resolve("sawtooth").resolve("memory.hprof")).doesNotExist();
    MemoryReport r = report("sawtooth");
    System.out.printf("sawtooth: verdict %s, slope %.2f MB/min (p=%.2g), heap in use %.0f-%.0f MB%n", r.verdict(),
        r.trend().slopeMbPerMin(), r.trend().pValue(),
        r.readings().stream().mapToDouble(MemoryReport.Reading::heapUsedMb).min().orElse(0),
        r.readings().stream().mapToDouble(MemoryReport.Reading::heapUsedMb).max().orElse(0));
    assertThat(r.verdict()).isEqualTo(Verdict.STABLE);
  }

  @Test
  void aBoundedCacheIsAPlateau() throws Exception {
    assertThat(runs.get("cache").join()).isNull();
    MemoryReport r = report("cache");
    System.out.printf("cache: verdict %s, plateau %.1f MB from %.0f s; %s%n", r.verdict(), r.plateauMb(),
        r.plateauFromSeconds(), r.reason());
    assertThat(r.verdict()).isEqualTo(Verdict.PLATEAU);
    assertThat(r.plateauMb()).as("500 bodies of 40 KB on top of the JVM's own heap").isGreaterThan(20);
  }

  @Test
  void watchesARunningJvmGivenByItsJmxUrl() throws Exception {
    int port = LoadMojoTest.freePort();
    int jmx = LoadMojoTest.freePort();
    List<String> command = new java.util.ArrayList<>(dev.slipway.perf.load.ServiceProcess.command(Fork.command(
        MemoryServer.class, "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
            + dev.slipway.perf.memory.JvmTarget.Forked.jmxOptions(jmx), "sawtooth"), null));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("running.log").toFile());
    pb.environment().put("PORT", String.valueOf(port));
    Process p = pb.start();
    try {
      MemoryMojo m = mojo("running", "12s");
      m.start = null;
      m.target = "http://127.0.0.1:" + port;
      m.jmxUrl = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmx + "/jmxrmi";
      m.memoryWarmup = "2s";
      m.gcInterval = "1s";
      for (int i = 0; i < 300 && !reachable(port); i++) {
        Thread.sleep(100);
      }
      m.execute();
      MemoryReport r = report("running");
      assertThat(r.jvm().pid()).isEqualTo(p.pid());
      assertThat(r.jvm().local()).isTrue();
      assertThat(r.readings()).allSatisfy(x -> assertThat(x.rssMb()).isPositive());
      assertThat(r.postGcHeap()).hasSizeGreaterThanOrEqualTo(8);
      assertThat(r.verdict()).isNotEqualTo(Verdict.LEAK);
      assertThat(p.isAlive()).as("a JVM it did not start is left running").isTrue();
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  static boolean reachable(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void needsAJvmToWatch() throws Exception {
    MemoryMojo m = mojo("leak", "10s");
    m.start = null;
    assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.start").hasMessageContaining("perf.memory.jmxUrl");
  }
}
