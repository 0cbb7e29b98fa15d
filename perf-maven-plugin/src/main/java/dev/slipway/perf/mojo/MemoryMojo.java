package dev.slipway.perf.mojo;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.load.ServiceContainer;
import dev.slipway.perf.load.ServiceProcess;
import dev.slipway.perf.load.ServiceStarter;
import dev.slipway.perf.load.TargetUnreachableException;
import dev.slipway.perf.memory.JvmTarget;
import dev.slipway.perf.memory.LeakDetector;
import dev.slipway.perf.memory.MemoryCheck;
import dev.slipway.perf.memory.MemoryException;
import dev.slipway.perf.memory.MemoryReport;
import dev.slipway.perf.memory.MemorySettings;
import dev.slipway.perf.memory.Verdict;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Watches the service's heap under load for a window (default 5 minutes) and tells a leak from a plateau: the heap
 * after each full GC (over JMX), trended with Mann-Kendall and Theil-Sen. On a leak it names the growing classes
 * (class-histogram diff) and what holds on to them (JFR old-object samples with paths to GC roots). Writes
 * {@code memory.json}, {@code memory.md} and {@code memory-heap.svg}; fails the build on a leak
 * ({@code perf.memory.failOnLeak}).
 *
 * <p>The JVM is the service {@code perf.start} forks (JMX switched on through {@code JDK_JAVA_OPTIONS}), the built
 * image {@code perf.start=image} runs as a container (the same, on the host network), or an already running one
 * given by {@code perf.memory.jmxUrl}.
 */
@Mojo(name = "memory", defaultPhase = LifecyclePhase.INTEGRATION_TEST, requiresProject = false, threadSafe = true)
public class MemoryMojo extends ServiceLoadMojo {

  /** Skip perf:memory only. */
  @Parameter(property = "perf.memory.skip", defaultValue = "false")
  boolean skipMemory;

  /**
   * JMX service URL of an already running JVM to watch instead of starting one, e.g.
   * {@code service:jmx:rmi:///jndi/rmi://127.0.0.1:9010/jmxrmi}. Give the target's JMX agent no password: it
   * should listen on loopback only.
   */
  @Parameter(property = "perf.memory.jmxUrl")
  String jmxUrl;

  /** How long the load runs while the heap is watched, warm-up included. */
  @Parameter(property = "perf.memory.duration", defaultValue = "5m")
  String memoryDuration;

  /** Arrivals per second of the constant open-model load. */
  @Parameter(property = "perf.memory.rate", defaultValue = "100")
  double memoryRate;

  /** Leading part of the load left out of the verdict; default 10 % of the duration, at most 30 s. */
  @Parameter(property = "perf.memory.warmup")
  String memoryWarmup;

  /** How often a full GC is asked for (its post-GC heap is one sample); 0 = only the JVM's own full GCs. */
  @Parameter(property = "perf.memory.gcInterval", defaultValue = "5s")
  String gcInterval;

  /** How often heap in use and RSS are read for the chart. */
  @Parameter(property = "perf.memory.sampleInterval", defaultValue = "1s")
  String sampleInterval;

  /** Significance of the Mann-Kendall trend test over the whole window (one-sided). */
  @Parameter(property = "perf.memory.alpha", defaultValue = "0.01")
  double alpha;

  /** Significance of the trend test over the window's tail, which tells a leak (still growing) from a plateau. */
  @Parameter(property = "perf.memory.tailAlpha", defaultValue = "0.05")
  double tailAlpha;

  /** Smallest Theil-Sen slope of the post-GC heap, in MB per minute, that counts as growth. */
  @Parameter(property = "perf.memory.minSlope", defaultValue = "1.0")
  double minSlope;

  /** The last part of the window that must still grow for a leak (else: plateau). */
  @Parameter(property = "perf.memory.tailFraction", defaultValue = "0.5")
  double tailFraction;

  /** Fewest post-GC samples in the window for a verdict other than inconclusive. */
  @Parameter(property = "perf.memory.minSamples", defaultValue = "8")
  int minSamples;

  /** Heap dump: {@code never}, {@code leak} (when a leak is found) or {@code always}; written as memory.hprof. */
  @Parameter(property = "perf.memory.heapDump", defaultValue = "never")
  String heapDump;

  /** Record JFR old-object samples (allocation sites and paths to GC roots) during the window. */
  @Parameter(property = "perf.memory.jfr", defaultValue = "true")
  boolean jfr;

  /** How many growing classes and old-object groups the report lists. */
  @Parameter(property = "perf.memory.top", defaultValue = "10")
  int top;

  /** Fail the build when the verdict is a leak. */
  @Parameter(property = "perf.memory.failOnLeak", defaultValue = "true")
  boolean failOnLeak;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    String skipped = skipped(skipMemory, "perf.memory.skip");
    if (skipped != null) {
      getLog().info("perf:memory skipped (" + skipped + ")");
      return;
    }
    MemoryReport report;
    try {
      report = new MemoryCheck(log()).run(settings());
    } catch (InvalidInputException | IllegalArgumentException e) {
      throw new MojoFailureException("perf:memory: " + e.getMessage(), e);
    } catch (MemoryException | TargetUnreachableException e) {
      throw new MojoExecutionException("perf:memory: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("perf:memory: " + e.getMessage(), e);
    }
    if (report.verdict() == Verdict.LEAK && failOnLeak) {
      throw new MojoFailureException("perf:memory: memory leak: " + report.reason() + ". See "
          + outputDir().resolve("memory.md"));
    }
  }

  MemorySettings settings() throws InvalidInputException {
    Duration duration = Durations.parse(memoryDuration, "perf.memory.duration");
    Duration warmup = memoryWarmup == null || memoryWarmup.isBlank()
        ? Duration.ofMillis(Math.min(30_000, duration.toMillis() / 10))
        : Durations.parse(memoryWarmup, "perf.memory.warmup");
    if (!(memoryRate > 0)) {
      throw new InvalidInputException("perf.memory.rate = " + memoryRate + " is not accepted; expected arrivals per "
          + "second > 0");
    }
    if (top < 1) {
      throw new InvalidInputException("perf.memory.top = " + top + " is not accepted; expected >= 1");
    }
    LoadSettings load = loadSettings(memoryRate, duration, warmup);
    return new MemorySettings(load, jvmTarget(load), warmup, Durations.parse(gcInterval, "perf.memory.gcInterval"),
        Durations.parse(sampleInterval, "perf.memory.sampleInterval"),
        new LeakDetector.Settings(alpha, tailAlpha, minSlope, tailFraction, minSamples),
        MemorySettings.HeapDump.parse(heapDump),
        jfr, top, outputDir());
  }

  private JvmTarget jvmTarget(LoadSettings load) throws InvalidInputException {
    boolean hasStart = start != null && !start.isBlank();
    boolean hasJmx = jmxUrl != null && !jmxUrl.isBlank();
    if (hasStart && hasJmx) {
      throw new InvalidInputException("give perf.start (start the service and watch it) or perf.memory.jmxUrl "
          + "(watch a running JVM), not both");
    }
    if (hasJmx) {
      return new JvmTarget.Remote(jmxUrl.trim());
    }
    if (!hasStart) {
      throw new InvalidInputException("perf:memory needs a JVM to watch: perf.start (jar, a jar path or a command) "
          + "or perf.memory.jmxUrl (a running JVM's JMX service URL)");
    }
    URI healthUrl = load.health() != null ? load.health() : load.target();
    if (healthUrl == null) {
      throw new InvalidInputException("perf.target is not set: give the URL to load, e.g. "
          + "-Dperf.target=http://127.0.0.1:8080/health");
    }
    if (ServiceStarter.isImage(start)) {
      // the same image perf:load runs: perf.image, or the perf.imagePlatform manifest of image.json, by digest
      return new JvmTarget.Image(ServiceContainer.reference(load.image()), load.startEnvironment(),
          outputDir().resolve("service.log"), healthUrl, load.startTimeout());
    }
    List<String> command = ServiceProcess.command(start, load.packagedJar());
    return new JvmTarget.Forked(command, load.startEnvironment(), load.workDir(), outputDir().resolve("service.log"),
        healthUrl, load.startTimeout());
  }
}
