package dev.slipway.perf.mojo;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The skip switches of the perf goals that run or gate a load test. {@code -DskipTests}, {@code -DskipITs} and
 * {@code -Dmaven.test.skip} skip them, as they skip failsafe's integration tests: a user who skips the tests does not
 * expect a minute of load. {@code perf.skipTests} decides instead when given: {@code -DskipTests
 * -Dperf.skipTests=false} skips the unit tests but still load-tests.
 */
abstract class TestSkippedMojo extends AbstractMojo {

  /** Skip every perf goal. */
  @Parameter(property = "perf.skip", defaultValue = "false")
  boolean skip;

  /**
   * {@code -DskipTests} skips this goal too, as it skips failsafe's integration tests (a load test is one, and a gate
   * without its load test has nothing to judge); see {@code perf.skipTests}.
   */
  @Parameter(property = "skipTests", defaultValue = "false")
  boolean skipTests;

  /** {@code -DskipITs} skips this goal too, as it skips failsafe's integration tests; see {@code perf.skipTests}. */
  @Parameter(property = "skipITs", defaultValue = "false")
  boolean skipITs;

  /** {@code -Dmaven.test.skip} skips this goal too, as it skips failsafe's integration tests. */
  @Parameter(property = "maven.test.skip", defaultValue = "false")
  boolean mavenTestSkip;

  /**
   * Skip this goal ({@code true}) or run it ({@code false}) whatever {@code skipTests} and {@code skipITs} say;
   * unset, they decide. {@code -DskipTests -Dperf.skipTests=false} skips the unit tests but not the load test.
   */
  @Parameter(property = "perf.skipTests")
  Boolean perfSkipTests;

  /** Why the goal is skipped ({@code perf.skip}, the goal's own switch, or the tests' switches), or null. */
  String skipped(boolean goalSkip, String goalProperty) {
    if (skip) {
      return "perf.skip";
    }
    if (goalSkip) {
      return goalProperty;
    }
    if (perfSkipTests != null) {
      return perfSkipTests ? "perf.skipTests" : null;
    }
    String which = skipTests ? "skipTests" : skipITs ? "skipITs" : mavenTestSkip ? "maven.test.skip" : null;
    return which == null ? null : which + "; -Dperf.skipTests=false runs it all the same";
  }

  /** Why the goal is skipped, or null when it runs. */
  String skipped() {
    return skipped(false, null);
  }
}
