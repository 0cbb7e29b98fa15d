package dev.slipway.perf.mojo;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.load.ServiceStartException;
import dev.slipway.perf.load.TargetUnreachableException;
import dev.slipway.perf.stress.CapacitySearch;
import dev.slipway.perf.stress.StressReport;
import dev.slipway.perf.stress.StressSettings;
import java.io.IOException;
import java.time.Duration;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Finds the service's capacity: the highest open-model arrival rate at which it meets the SLO (p99 latency and error
 * rate). The rate is raised step by step ({@code perf.stress.factor}) until a step breaks the SLO, then narrowed down
 * by bisection; bounded by {@code perf.stress.maxRate} and {@code perf.stress.maxDuration}. Reports the capacity,
 * where latency starts to climb, and the latency-versus-rate curve ({@code stress.json}, {@code stress.md},
 * {@code stress-capacity.svg}). Steps the load generator itself could not drive are reported as such, not as the
 * service's capacity.
 *
 * <p>Bound to no phase: a stress test runs on its own schedule ({@code mvn verify perf:stress}, e.g. nightly).
 */
@Mojo(name = "stress", requiresProject = false, threadSafe = true)
public class StressMojo extends ServiceLoadMojo {

  /** Skip perf:stress only. */
  @Parameter(property = "perf.stress.skip", defaultValue = "false")
  boolean skipStress;

  /** SLO: the p99 latency a step must stay at or under. */
  @Parameter(property = "perf.stress.sloP99", defaultValue = "500ms")
  String sloP99;

  /** SLO: the share of failed requests (errors and timeouts) a step may have, e.g. 0.01 for 1 %. */
  @Parameter(property = "perf.stress.sloErrorRate", defaultValue = "0.01")
  double sloErrorRate;

  /** Arrivals per second of the first step. */
  @Parameter(property = "perf.stress.startRate", defaultValue = "10")
  double startRate;

  /** Each ramp step multiplies the rate by this. */
  @Parameter(property = "perf.stress.factor", defaultValue = "2")
  double factor;

  /** Never offer more arrivals per second than this. */
  @Parameter(property = "perf.stress.maxRate", defaultValue = "20000")
  double maxRate;

  /** Narrowing stops when failing and passing rates are this close (a fraction of the passing rate). */
  @Parameter(property = "perf.stress.precision", defaultValue = "0.05")
  double precision;

  /** Length of each step, warm-up included. */
  @Parameter(property = "perf.stress.stepDuration", defaultValue = "10s")
  String stepDuration;

  /** Leading part of each step left out of its numbers. */
  @Parameter(property = "perf.stress.stepWarmup", defaultValue = "2s")
  String stepWarmup;

  /** The whole search stops before this. */
  @Parameter(property = "perf.stress.maxDuration", defaultValue = "10m")
  String maxDuration;

  /** Pause after a step that broke the SLO, before the service is probed until it answers quickly again. */
  @Parameter(property = "perf.stress.cooldown", defaultValue = "2s")
  String cooldown;

  /** Latency "starts to climb" at the first rate whose p99 is more than this many times the lowest rate's p99. */
  @Parameter(property = "perf.stress.kneeFactor", defaultValue = "2")
  double kneeFactor;

  /**
   * A failing step counts as the load generator's limit (not the service's) when the generator's own send-lag p99
   * is at least this share of the latency p99.
   */
  @Parameter(property = "perf.stress.generatorShare", defaultValue = "0.5")
  double generatorShare;

  /** Run a step that broke the SLO once more before it counts (a stall of a shared machine is not the capacity). */
  @Parameter(property = "perf.stress.confirmFailures", defaultValue = "true")
  boolean confirmFailures;

  /** Fail the build when the capacity is below this many requests per second (0: never fail). */
  @Parameter(property = "perf.stress.minCapacity", defaultValue = "0")
  double minCapacity;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    String skipped = skipped(skipStress, "perf.stress.skip");
    if (skipped != null) {
      getLog().info("perf:stress skipped (" + skipped + ")");
      return;
    }
    StressReport report;
    try {
      report = new CapacitySearch(log()).run(settings());
    } catch (InvalidInputException | IllegalArgumentException e) {
      throw new MojoFailureException("perf:stress: " + e.getMessage(), e);
    } catch (TargetUnreachableException | ServiceStartException e) {
      throw new MojoExecutionException("perf:stress: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("perf:stress: " + e.getMessage(), e);
    }
    if (minCapacity > 0 && (report.capacity() == null || report.capacity() < minCapacity)) {
      throw new MojoFailureException("perf:stress: " + CapacitySearch.summary(report) + "; below "
          + "perf.stress.minCapacity = " + minCapacity + " req/s");
    }
  }

  StressSettings settings() throws InvalidInputException {
    Duration step = Durations.parse(stepDuration, "perf.stress.stepDuration");
    Duration warm = Durations.parse(stepWarmup, "perf.stress.stepWarmup");
    return new StressSettings(loadSettings(startRate, step, warm), Durations.parse(sloP99, "perf.stress.sloP99"),
        sloErrorRate, startRate, factor, maxRate, precision, step, warm,
        Durations.parse(maxDuration, "perf.stress.maxDuration"), Durations.parse(cooldown, "perf.stress.cooldown"),
        kneeFactor, generatorShare, confirmFailures);
  }
}
