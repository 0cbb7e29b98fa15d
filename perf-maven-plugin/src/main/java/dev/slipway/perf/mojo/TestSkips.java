package dev.slipway.perf.mojo;

/**
 * {@code -DskipTests}, {@code -DskipITs} and {@code -Dmaven.test.skip} skip the perf goals that run or gate a load
 * test, as they skip failsafe's integration tests: a user who skips the tests does not expect a minute of load.
 * {@code perf.skipTests} decides instead when given: {@code -DskipTests -Dperf.skipTests=false} skips the unit tests
 * but still load-tests.
 */
final class TestSkips {
  private TestSkips() {}

  /** Why the goal is skipped, or null when it runs. */
  static String reason(Boolean perfSkipTests, boolean skipTests, boolean skipITs, boolean mavenTestSkip) {
    if (perfSkipTests != null) {
      return perfSkipTests ? "perf.skipTests" : null;
    }
    String which = skipTests ? "skipTests" : skipITs ? "skipITs" : mavenTestSkip ? "maven.test.skip" : null;
    return which == null ? null : which + "; -Dperf.skipTests=false runs it all the same";
  }
}
