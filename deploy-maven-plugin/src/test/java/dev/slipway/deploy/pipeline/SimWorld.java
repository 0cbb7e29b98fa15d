package dev.slipway.deploy.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.deploy.checks.JdkHttpProbe;
import dev.slipway.deploy.checks.HealthCheckSpec;
import dev.slipway.deploy.checks.SmokeTestSpec;
import dev.slipway.deploy.ecs.AwsEcsGateway;
import dev.slipway.deploy.ecs.AwsSettings;
import dev.slipway.ecssim.CallRecord;
import dev.slipway.ecssim.EcsSimulator;
import dev.slipway.ecssim.Scenario;
import dev.slipway.ecssim.SimClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated AWS account for a test: the ECS simulator on a virtual clock, the real SDK clients pointed at it
 * with canary credentials, and a real HTTP service (the JDK server) answering health checks and smoke tests.
 * The deployment's clock is the simulator's, so a 30-minute rollout takes milliseconds.
 */
final class SimWorld implements AutoCloseable {
  static final String CANARY_ACCESS_KEY = "AKIACANARY7EXAMPLE01";
  static final String CANARY_SECRET = "canarySecret/DoNotPrint+9f8e7d6c5b4a3210zyx";
  static final String CANARY_TOKEN = "canarySessionToken-IQoJb3JpZ2luX2VjEOr-DoNotPrint-1234567890";
  static final List<String> ALL_OUTPUT = Collections.synchronizedList(new ArrayList<>());
  static final String OLD_IMAGE = "127.0.0.1:5000/shop/web@sha256:" + "1".repeat(64);
  static final String NEW_IMAGE = "127.0.0.1:5000/shop/web@sha256:" + "2".repeat(64);


  final EcsSimulator sim;
  final SimClock.Virtual virtual;
  final AwsEcsGateway gateway;
  final Redactor redactor = new Redactor();
  final List<String> lines = new CopyOnWriteArrayList<>();
  final Log log;
  final Clock clock;
  final HttpServer app;
  final List<Long> healthRequestTimes = new CopyOnWriteArrayList<>();
  volatile int healthStatus = 200;
  volatile String body = "{\"status\":\"UP\",\"version\":\"2\"}";
  final AtomicInteger smokeCount = new AtomicInteger();
  /** Runs once, when the first health check request arrives (the deployment is then past UPDATE and WAIT). */
  volatile Runnable onFirstHealth;

  SimWorld(Scenario scenario) throws Exception {
    // the SDK's default credential chain reads these first: the canaries every log and journal is grepped for
    System.setProperty("aws.accessKeyId", CANARY_ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", CANARY_SECRET);
    System.setProperty("aws.sessionToken", CANARY_TOKEN);
    this.virtual = new SimClock.Virtual(Instant.parse("2026-03-01T10:00:00Z"));
    this.sim = new EcsSimulator(scenario, virtual).start(0);
    this.gateway = new AwsEcsGateway(new AwsSettings("eu-west-1", null, null, sim.endpoint(), 5));
    gateway.registerSecrets(redactor);
    this.log = new Log() {
      private void add(String level, String m) {
        String line = "[" + level + "] " + m;
        lines.add(line);
        ALL_OUTPUT.add(line);
        System.out.println(line);
      }

      @Override
      public void debug(String m) {
        add("DEBUG", m);
      }

      @Override
      public void info(String m) {
        add("INFO", m);
      }

      @Override
      public void warn(String m) {
        add("WARN", m);
      }

      @Override
      public void error(String m) {
        add("ERROR", m);
      }
    };
    this.clock = new Clock() {
      @Override
      public Instant now() {
        return virtual.now();
      }

      @Override
      public void sleep(Duration d) throws InterruptedException {
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        virtual.advance(d);
        Thread.sleep(1); // lets a concurrent test thread (the Ctrl-C test) interleave
      }
    };
    this.app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    app.createContext("/health", ex -> {
      healthRequestTimes.add(virtual.nowMillis());
      Runnable once = onFirstHealth;
      onFirstHealth = null;
      if (once != null) {
        once.run();
      }
      byte[] b = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(healthStatus, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    app.createContext("/api/version", ex -> {
      smokeCount.incrementAndGet();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    app.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + app.getAddress().getPort();
  }

  Deployer deployer(ShutdownHooks hooks) {
    return new Deployer(gateway, gateway.cloudWatch(), new JdkHttpProbe(), clock, Prompter.none(), hooks, redactor,
        log);
  }

  /** A deployer that also notifies Slack and publishes releases. */
  Deployer deployer(dev.slipway.common.notify.Notifier notifier, dev.slipway.deploy.release.ReleasePublisher releases) {
    return new Deployer(new DeployTools(gateway, gateway.cloudWatch(), new JdkHttpProbe(), clock, Prompter.none(),
        noHooks(), notifier, releases), redactor, log);
  }

  /** A deployer whose AWS adapter is {@code gateway} (e.g. one that injects a fault at the adapter's edge). */
  Deployer deployer(dev.slipway.deploy.ecs.EcsGateway gateway) {
    return new Deployer(gateway, this.gateway.cloudWatch(), new JdkHttpProbe(), clock, Prompter.none(), noHooks(),
        redactor, log);
  }

  /**
   * Someone else deploys {@code image} to the staging service, with their own copy of the revision: what a colleague
   * or a second CI job does. Returns the ARN of their revision.
   */
  String colleagueDeploys(String image) throws Exception {
    try (AwsEcsGateway other = new AwsEcsGateway(new AwsSettings("eu-west-1", null, null, sim.endpoint(), 1))) {
      var svc = other.service("shop-staging", "web");
      var draft = other.draft(svc.taskDefinition(), Map.of("web", image));
      var td = other.register(draft);
      other.updateService("shop-staging", "web", td.arn(), null, null);
      return td.arn();
    }
  }

  Deployer deployer() {
    return deployer(noHooks());
  }

  static ShutdownHooks noHooks() {
    return new ShutdownHooks() {
      @Override
      public Object register(Runnable hook) {
        return hook;
      }

      @Override
      public void unregister(Object handle) {}
    };
  }

  EnvironmentSpec staging() {
    return env("staging", false);
  }

  EnvironmentSpec env(String name, boolean requireConfirmation) {
    return new EnvironmentSpec(name, "eu-west-1", "shop-" + name, "web", List.of("web"), null,
        EnvironmentSpec.Strategy.ROLLING, 100, 200, null, null, null, true, true,
        new HealthCheckSpec(baseUrl() + "/health", Duration.ofSeconds(30), 10, Duration.ofSeconds(10), 200, null),
        baseUrl(), List.of(new SmokeTestSpec("version", "GET", "/api/version", 200, "\"status\":\"UP\"", null)),
        requireConfirmation, new EnvironmentSpec.Timeouts(Duration.ofMinutes(30), Duration.ofMinutes(30),
            Duration.ofSeconds(15)));
  }

  DeployRequest request(EnvironmentSpec env, Path journalRoot) {
    return new DeployRequest(env, NEW_IMAGE, false, false, null, journalRoot);
  }

  List<String> mutating() {
    return EcsSimulator.operations(sim.mutatingCalls());
  }

  CallRecord firstCall(String operation, int index) {
    return sim.calls(operation).stream().filter(c -> c.status() == 200).skip(index).findFirst().orElseThrow();
  }

  String log() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    app.stop(0);
    gateway.close();
    sim.close();
  }

  // ------------------------------------------------------------------ scenarios

  static final ObjectMapper JSON = new ObjectMapper();

  /** Clusters shop-staging and shop-production, each with service web on web:1 (2 tasks), circuit breaker on. */
  static Scenario scenario() {
    Scenario s = new Scenario();
    ObjectNode td = JSON.createObjectNode();
    td.put("family", "web");
    td.put("cpu", "256");
    td.put("memory", "512");
    td.put("networkMode", "awsvpc");
    td.putArray("requiresCompatibilities").add("FARGATE");
    td.put("executionRoleArn", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    ObjectNode c = td.putArray("containerDefinitions").addObject();
    c.put("name", "web");
    c.put("image", OLD_IMAGE);
    c.put("essential", true);
    c.putArray("portMappings").addObject().put("containerPort", 8080).put("protocol", "tcp");
    var envs = c.putArray("environment");
    envs.addObject().put("name", "SPRING_PROFILES_ACTIVE").put("value", "prod");
    envs.addObject().put("name", "FEATURE_FLAGS").put("value", "");
    ObjectNode sidecar = td.withArray("containerDefinitions").addObject();
    sidecar.put("name", "log-router");
    sidecar.put("image", "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable");
    sidecar.put("essential", false);
    s.taskDefinitions.add(td);
    s.taskDefinitionTags = Map.of("web", List.of(Map.of("key", "team", "value", "shop")));
    for (String name : List.of("staging", "production")) {
      Scenario.Cluster cl = new Scenario.Cluster();
      cl.name = "shop-" + name;
      Scenario.Service svc = new Scenario.Service();
      svc.name = "web";
      svc.taskDefinition = "web:1";
      svc.desiredCount = "production".equals(name) ? 4 : 2;
      cl.services.add(svc);
      s.clusters.add(cl);
    }
    return s;
  }

  static Scenario.Rollout rollout(Scenario.Outcome outcome) {
    Scenario.Rollout r = new Scenario.Rollout();
    r.outcome = outcome;
    r.taskStartSeconds = 20;
    return r;
  }

  static Scenario.Fault fault(String operation, String error, int count) {
    Scenario.Fault f = new Scenario.Fault();
    f.operation = operation;
    f.error = error;
    f.count = count;
    return f;
  }

}
