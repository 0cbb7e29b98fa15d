package dev.slipway.deploy.pipeline;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.checks.HealthCheckSpec;
import dev.slipway.deploy.checks.SmokeTestRunner;
import dev.slipway.deploy.checks.SmokeTestSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import dev.slipway.deploy.monitor.MetricQuery;
import dev.slipway.deploy.monitor.MonitorSpec;

/**
 * Validates an environment as written in the POM into an {@link EnvironmentSpec}. Every error names the environment,
 * the element (e.g. {@code <environment> 'staging' <healthCheck><url>}) and what is accepted, so nothing that reaches
 * the deployment can fail later on a value that could have been checked here (a relative or malformed URL, a bad
 * duration, an unknown strategy).
 */
public final class EnvironmentFactory {
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH");

  private EnvironmentFactory() {}

  /** One {@code <environment>} as written; durations are text such as {@code 30s}; null means "not set". */
  public record Input(
      String name, String region, String cluster, String service, List<String> containers, Integer desiredCount,
      String strategy, Integer minHealthyPercent, Integer maxPercent, Integer bakeTimeMinutes, Double stepPercent,
      Integer stepBakeTimeMinutes, Boolean circuitBreaker, Boolean circuitBreakerRollback, HealthCheckInput healthCheck,
      String baseUrl, List<SmokeTestInput> smokeTests, boolean requireConfirmation, String timeout,
      String rollbackTimeout, String pollInterval, Boolean production, MonitorInput monitor,
      List<String> deploymentAlarms, Boolean deploymentAlarmsRollback) {

    /** Without monitoring and deployment alarms. */
    public Input(String name, String region, String cluster, String service, List<String> containers,
        Integer desiredCount, String strategy, Integer minHealthyPercent, Integer maxPercent, Integer bakeTimeMinutes,
        Double stepPercent, Integer stepBakeTimeMinutes, Boolean circuitBreaker, Boolean circuitBreakerRollback,
        HealthCheckInput healthCheck, String baseUrl, List<SmokeTestInput> smokeTests, boolean requireConfirmation,
        String timeout, String rollbackTimeout, String pollInterval, Boolean production) {
      this(name, region, cluster, service, containers, desiredCount, strategy, minHealthyPercent, maxPercent,
          bakeTimeMinutes, stepPercent, stepBakeTimeMinutes, circuitBreaker, circuitBreakerRollback, healthCheck,
          baseUrl, smokeTests, requireConfirmation, timeout, rollbackTimeout, pollInterval, production, null, null,
          null);
    }

    /** Without {@code production}: decided by the name. */
    public Input(String name, String region, String cluster, String service, List<String> containers,
        Integer desiredCount, String strategy, Integer minHealthyPercent, Integer maxPercent, Integer bakeTimeMinutes,
        Double stepPercent, Integer stepBakeTimeMinutes, Boolean circuitBreaker, Boolean circuitBreakerRollback,
        HealthCheckInput healthCheck, String baseUrl, List<SmokeTestInput> smokeTests, boolean requireConfirmation,
        String timeout, String rollbackTimeout, String pollInterval) {
      this(name, region, cluster, service, containers, desiredCount, strategy, minHealthyPercent, maxPercent,
          bakeTimeMinutes, stepPercent, stepBakeTimeMinutes, circuitBreaker, circuitBreakerRollback, healthCheck,
          baseUrl, smokeTests, requireConfirmation, timeout, rollbackTimeout, pollInterval, null);
    }
  }

  /** {@code <monitor>} as written; null members take the defaults. */
  public record MonitorInput(String window, String interval, Double errorRateThreshold, Long minRequests,
      String loadBalancer, String targetGroup, List<QueryInput> queries, String errors, String requests,
      List<String> alarms) {}

  /** {@code <query>} of {@code <monitor><queries>} as written. */
  public record QueryInput(String id, String expression, String namespace, String metricName,
      Map<String, String> dimensions, String stat, Integer period, String label, Boolean returnData) {}

  /** {@code <healthCheck>} as written. */
  public record HealthCheckInput(
      String url, String initialDelay, int attempts, String interval, int expectedStatus, String requestTimeout) {}

  /** {@code <smokeTest>} as written. */
  public record SmokeTestInput(
      String name, String method, String path, int expectedStatus, String bodyContains, String maxLatency) {}

  /** Validates {@code in}; {@code defaultRegion} applies when the environment names none. */
  public static EnvironmentSpec create(Input in, String defaultRegion) throws InvalidInputException {
    String where = "<environment> '" + (in.name() == null ? "?" : in.name()) + "'";
    require(in.name(), "<environments>/<environment>/<name>");
    require(in.cluster(), where + " <cluster>");
    require(in.service(), where + " <service>");
    EnvironmentSpec.Strategy s;
    try {
      // not configured: the service keeps its own strategy
      s = in.strategy() == null || in.strategy().isBlank() ? null
          : EnvironmentSpec.Strategy.valueOf(in.strategy().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(where + " <strategy>: '" + in.strategy()
          + "' is not one of ROLLING, BLUE_GREEN, CANARY, LINEAR");
    }
    if (in.desiredCount() != null && in.desiredCount() < 0) {
      throw new InvalidInputException(where + " <desiredCount>: " + in.desiredCount() + " must be 0 or more");
    }
    if (in.minHealthyPercent() != null && (in.minHealthyPercent() < 0 || in.minHealthyPercent() > 100)) {
      throw new InvalidInputException(where + " <minHealthyPercent>: " + in.minHealthyPercent() + " must be 0..100");
    }
    if (in.maxPercent() != null && in.maxPercent() < 100) {
      throw new InvalidInputException(where + " <maxPercent>: " + in.maxPercent() + " must be at least 100");
    }
    String baseUrl = blank(in.baseUrl()) ? null : in.baseUrl().strip();
    if (baseUrl != null) {
      httpUrl(baseUrl, where + " <baseUrl>");
    }
    List<SmokeTestSpec> smoke = new ArrayList<>();
    List<SmokeTestInput> tests = in.smokeTests() == null ? List.of() : in.smokeTests();
    for (int i = 0; i < tests.size(); i++) {
      smoke.add(smokeTest(tests.get(i), where + " <smokeTests>[" + i + "]", baseUrl));
    }
    var timeouts = new EnvironmentSpec.Timeouts(
        Durations.parsePositive(in.timeout(), where + " <timeout>"),
        Durations.parsePositive(in.rollbackTimeout(), where + " <rollbackTimeout>"),
        Durations.parsePositive(in.pollInterval(), where + " <pollInterval>"));
    boolean production = in.production() != null ? in.production() : EnvironmentSpec.isProductionName(in.name());
    EnvironmentSpec.DeploymentAlarms alarms = null;
    if (in.deploymentAlarms() != null && !in.deploymentAlarms().isEmpty()) {
      alarms = new EnvironmentSpec.DeploymentAlarms(in.deploymentAlarms().stream().map(String::strip).toList(),
          in.deploymentAlarmsRollback() == null || in.deploymentAlarmsRollback());
    }
    return new EnvironmentSpec(in.name(), in.region() != null ? in.region() : defaultRegion, in.cluster(),
        in.service(), in.containers(), in.desiredCount(), s, in.minHealthyPercent(), in.maxPercent(),
        in.bakeTimeMinutes(), in.stepPercent(), in.stepBakeTimeMinutes(), in.circuitBreaker(),
        in.circuitBreakerRollback(), in.healthCheck() == null ? null : healthCheck(in.healthCheck(), where), baseUrl,
        smoke, in.requireConfirmation(), timeouts, production, monitor(in.monitor(), production, where), alarms);
  }

  /**
   * {@code <monitor>}: production watches 5 minutes by default, other environments not at all; a zero window is no
   * monitoring. Query ids follow CloudWatch's rule, the error and request ids must name queries.
   */
  static MonitorSpec monitor(MonitorInput m, boolean production, String where) throws InvalidInputException {
    String at = where + " <monitor>";
    Duration window = m == null ? null : Durations.parseNonNegative(m.window(), at + "<window>");
    if (window == null) {
      window = production ? MonitorSpec.PRODUCTION_WINDOW : Duration.ZERO;
    }
    if (m == null) {
      return window.isZero() ? null : new MonitorSpec(window, null, MonitorSpec.DEFAULT_THRESHOLD,
          MonitorSpec.DEFAULT_MIN_REQUESTS, null, null, null, null, null, null);
    }
    List<String> alarms = m.alarms() == null ? List.of() : m.alarms().stream().map(String::strip).toList();
    if (window.isZero()) {
      if (!alarms.isEmpty() || (m.queries() != null && !m.queries().isEmpty())) {
        throw new InvalidInputException(at + "<window> is 0 (the default outside production), so the alarms and "
            + "queries configured would never be looked at; set e.g. <window>5m</window>");
      }
      return null;
    }
    Duration interval = Durations.parsePositive(m.interval(), at + "<interval>");
    double threshold = m.errorRateThreshold() == null ? MonitorSpec.DEFAULT_THRESHOLD : m.errorRateThreshold();
    if (threshold < 0 || threshold > 100) {
      throw new InvalidInputException(at + "<errorRateThreshold>: " + threshold + " must be a percentage, 0..100");
    }
    long minRequests = m.minRequests() == null ? MonitorSpec.DEFAULT_MIN_REQUESTS : m.minRequests();
    if (minRequests < 0) {
      throw new InvalidInputException(at + "<minRequests>: " + minRequests + " must be 0 or more");
    }
    List<MetricQuery> queries = new ArrayList<>();
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    List<QueryInput> qs = m.queries() == null ? List.of() : m.queries();
    for (int i = 0; i < qs.size(); i++) {
      QueryInput q = qs.get(i);
      String qa = at + "<queries>[" + i + "]";
      require(q.id(), qa + " <id>");
      String id = q.id().strip();
      if (!id.matches("[a-z][A-Za-z0-9_]*")) {
        throw new InvalidInputException(qa + " <id>: '" + id + "' must start with a lower-case letter and hold only "
            + "letters, digits and _ (CloudWatch's rule for query ids)");
      }
      if (!ids.add(id)) {
        throw new InvalidInputException(qa + " <id>: '" + id + "' is used twice");
      }
      boolean expression = !blank(q.expression());
      boolean metric = !blank(q.metricName());
      if (expression == metric) {
        throw new InvalidInputException(qa + ": give either <expression> (metric math over other ids) or "
            + "<metricName> with <namespace> and <dimensions>, not " + (expression ? "both" : "neither"));
      }
      if (metric) {
        require(q.namespace(), qa + " <namespace>");
      }
      int period = q.period() == null ? 60 : q.period();
      if (period < 60 || period % 60 != 0) {
        throw new InvalidInputException(qa + " <period>: " + period + " must be a multiple of 60 seconds");
      }
      queries.add(new MetricQuery(id, expression ? q.expression().strip() : null,
          metric ? q.namespace().strip() : null, metric ? q.metricName().strip() : null, q.dimensions(), q.stat(),
          period, q.label(), q.returnData() == null || q.returnData()));
    }
    List<String> errors = ids(m.errors());
    List<String> requests = ids(m.requests());
    MonitorSpec spec = new MonitorSpec(window, interval, threshold, minRequests, blank(m.loadBalancer()) ? null
        : m.loadBalancer().strip(), blank(m.targetGroup()) ? null : m.targetGroup().strip(), queries, errors,
        requests, alarms);
    java.util.Set<String> known = new java.util.HashSet<>();
    spec.queries().forEach(q -> known.add(q.id()));
    for (String id : spec.errorIds()) {
      if (!known.contains(id)) {
        throw new InvalidInputException(at + "<errors>: '" + id + "' is not the id of a query; the queries are "
            + known);
      }
    }
    for (String id : spec.requestIds()) {
      if (!known.contains(id)) {
        throw new InvalidInputException(at + "<requests>: '" + id + "' is not the id of a query; the queries are "
            + known);
      }
    }
    return spec;
  }

  private static List<String> ids(String text) {
    if (blank(text)) {
      return null;
    }
    return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
  }

  private static HealthCheckSpec healthCheck(HealthCheckInput h, String where) throws InvalidInputException {
    String element = where + " <healthCheck><url>";
    require(h.url(), element);
    httpUrl(h.url().strip(), element);
    if (h.attempts() < 1) {
      throw new InvalidInputException(where + " <healthCheck><attempts>: " + h.attempts() + " must be at least 1");
    }
    return new HealthCheckSpec(h.url().strip(),
        Durations.parseNonNegative(h.initialDelay(), where + " <healthCheck><initialDelay>"), h.attempts(),
        Durations.parsePositive(h.interval(), where + " <healthCheck><interval>"), h.expectedStatus(),
        Durations.parsePositive(h.requestTimeout(), where + " <healthCheck><requestTimeout>"));
  }

  private static SmokeTestSpec smokeTest(SmokeTestInput t, String where, String baseUrl)
      throws InvalidInputException {
    require(t.path(), where + " <path>");
    String path = t.path().strip();
    String m = t.method() == null ? "GET" : t.method().strip().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(m)) {
      throw new InvalidInputException(where + " <method>: '" + t.method() + "' is not one of " + METHODS);
    }
    boolean absolute = path.startsWith("http://") || path.startsWith("https://");
    if (!absolute && baseUrl == null) {
      throw new InvalidInputException(where + " <path>: '" + path + "' is relative but the environment has no "
          + "<baseUrl>");
    }
    // the very resolution the runner will do, so a path that cannot form a URL fails here and not during SMOKE
    URI resolved;
    try {
      resolved = SmokeTestRunner.resolve(baseUrl, path);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(where + " <path>: '" + path + "'" + (absolute ? "" : " on <baseUrl> " + baseUrl)
          + " is not a valid URL (" + reason(e) + ")");
    }
    httpUrl(resolved.toString(), where + " <path>");
    return new SmokeTestSpec(t.name(), m, path, t.expectedStatus(), t.bodyContains(),
        Durations.parsePositive(t.maxLatency(), where + " <maxLatency>"));
  }

  /** Accepts an absolute http(s) URL with a host, as the JDK's HTTP client needs it. */
  private static void httpUrl(String url, String element) throws InvalidInputException {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new InvalidInputException(element + ": '" + url + "' must start with http:// or https://");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidInputException(element + ": '" + url + "' is not a valid URL (" + e.getReason() + " at index "
          + e.getIndex() + "); write e.g. https://staging.example.com/health");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidInputException(element + ": '" + url + "' has no host; write e.g. "
          + "https://staging.example.com/health");
    }
  }

  private static String reason(IllegalArgumentException e) {
    return e.getCause() instanceof URISyntaxException u ? u.getReason() + " at index " + u.getIndex() : e.getMessage();
  }

  private static void require(String value, String element) throws InvalidInputException {
    if (blank(value)) {
      throw new InvalidInputException(element + " is required");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
