package dev.slipway.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.ecssim.EcsSimulator;
import dev.slipway.ecssim.Scenario;
import dev.slipway.ecssim.SimClock;
import dev.slipway.testkit.MavenRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as users run it: a forked {@code mvn verify deploy:ecs -Denv=staging} on a project that declares it,
 * against the ECS simulator (accelerated clock) reached through the SDK's {@code AWS_ENDPOINT_URL}, with canary
 * credentials in the environment that must appear nowhere in the build's output or journals.
 */
class DeployEcsIT {
  private static final String KEY = "AKIAINVOKERCANARY001";
  private static final String SECRET = "invoker-canary-secret/never+printed";
  private static final String TOKEN = "invoker-canary-session-token-never-printed-0123456789";
  private static final String IMAGE = "127.0.0.1:5000/shop/web@sha256:" + "3".repeat(64);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private EcsSimulator sim;
  private HttpServer app;
  private Path project;

  @BeforeEach
  void start() throws Exception {
    sim = new EcsSimulator(scenario(), new SimClock.Accelerated(Instant.now(), 60)).start(0);
    app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    app.createContext("/", ex -> {
      byte[] b = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    app.start();
    project = Files.createDirectories(work.resolve("shop-service"));
    String pom = Files.readString(Path.of("src/it/shop-service/pom.xml"))
        .replace("@slipway.version@", System.getProperty("slipway.version"));
    Files.writeString(project.resolve("pom.xml"), pom);
    // what image:build leaves behind; deploy:ecs deploys exactly this digest
    Files.createDirectories(project.resolve("target/slipway"));
    Files.writeString(project.resolve("target/slipway/image.json"), "{\"schemaVersion\":1,\"reference\":\""
        + IMAGE + "\",\"repository\":\"127.0.0.1:5000/shop/web\",\"tags\":[\"1.0.0\"],\"digest\":\"sha256:"
        + "3".repeat(64) + "\",\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"platforms\":[],"
        + "\"pushed\":true}");
    // what image:verify and image:scan leave behind for that digest: VERIFY lets production deploy it
    Files.writeString(project.resolve("target/slipway/verified.json"), "{\"schemaVersion\":1,\"digest\":\"sha256:"
        + "3".repeat(64) + "\",\"mode\":\"key\",\"keyId\":\"cosign.pub\"}");
    Files.createDirectories(project.resolve("target/slipway/scan"));
    Files.writeString(project.resolve("target/slipway/scan/scan.json"), "{\"image\":{\"digest\":\"sha256:"
        + "3".repeat(64) + "\"},\"verdict\":\"PASS\"}");
  }

  @AfterEach
  void stop() {
    app.stop(0);
    sim.close();
  }

  /** A forked build reaching the simulator through the SDK's own endpoint variables, global or per service. */
  private MavenRun maven(boolean perService, String... args) {
    MavenRun run = MavenRun.in(project).args(args).args("-Dapp.url=http://127.0.0.1:" + app.getAddress().getPort());
    String endpoint = sim.endpoint().toString();
    if (perService) {
      run.env("AWS_ENDPOINT_URL_ECS", endpoint).env("AWS_ENDPOINT_URL_STS", endpoint)
          .env("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", endpoint).env("AWS_ENDPOINT_URL_IAM", endpoint)
          .env("AWS_ENDPOINT_URL_CLOUDWATCH", endpoint);
    } else {
      run.env("AWS_ENDPOINT_URL", endpoint);
    }
    Map.of("AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET,
        "AWS_SESSION_TOKEN", TOKEN, "AWS_CONFIG_FILE", work.resolve("none").toString(),
        "AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString()).forEach(run::env);
    return run;
  }

  @Test
  void verifyThenDeployToStagingThroughTheSimulator() throws Exception {
    MavenRun.Result r = maven(true, "verify", "deploy:ecs", "-Denv=staging").run();
    System.out.println(r.log());
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).contains("PREFLIGHT environment staging").contains("DONE staging runs web:2");
    JsonNode svc = sim.service("shop-staging", "web");
    assertThat(svc.path("taskDefinition").asText()).endsWith("web:2");
    assertThat(EcsSimulator.operations(sim.mutatingCalls())).containsExactly("RegisterTaskDefinition", "UpdateService");
    assertThat(sim.calls("RegisterTaskDefinition").get(0).requestBody()).contains(IMAGE);
    Path last = project.resolve("target/slipway/deploy/staging/last.json");
    assertThat(JSON.readTree(last.toFile()).path("outcome").asText()).isEqualTo("SUCCEEDED");

    MavenRun.Result status = maven(true, "-Pstaging", "deploy:status").run(); // the profile selects the environment
    assertThat(status.succeeded()).as(status.log()).isTrue();
    assertThat(status.log()).contains("Task definition web:2: running 2 / desired 2").contains(IMAGE);

    assertNoCanary(r.log() + status.log());
  }

  @Test
  void productionInBatchModeIsRefusedWithoutConfirmationAndUnknownEnvironmentsAreListed() throws Exception {
    MavenRun.Result r = maven(false, "deploy:ecs", "-Denv=production").run();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.log()).contains("requires confirmation").contains("-Ddeploy.confirm=production");
    assertThat(sim.mutatingCalls()).isEmpty();

    MavenRun.Result unknown = maven(false, "deploy:ecs", "-Denv=qa").run();
    assertThat(unknown.succeeded()).isFalse();
    assertThat(unknown.log()).contains("unknown environment 'qa'").contains("configured: staging, production");
    assertNoCanary(r.log() + unknown.log());
  }

  @Test
  void sigtermDuringTheRolloutRollsBackFromTheShutdownHook() throws Exception {
    sim.close();
    Scenario stuck = scenario();
    Scenario.Rollout never = new Scenario.Rollout();
    never.outcome = Scenario.Outcome.STUCK;
    stuck.rollouts.add(never);
    sim = new EcsSimulator(stuck, new SimClock.Accelerated(Instant.now(), 6)).start(0);

    // the build as MavenRun forks it, but started in the background so the test can interrupt it
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(), "-B", "-ntp",
        "-Dmaven.repo.local=" + System.getProperty("slipway.it.repo"),
        "-Dmaven.repo.local.tail=" + System.getProperty("slipway.outer.repo"),
        "deploy:ecs", "-Denv=staging", "-Dapp.url=http://127.0.0.1:" + app.getAddress().getPort()));
    Path log = work.resolve("sigterm.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(Map.of("AWS_ENDPOINT_URL", sim.endpoint().toString(), "AWS_ACCESS_KEY_ID", KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_SESSION_TOKEN", TOKEN,
        "AWS_CONFIG_FILE", work.resolve("none").toString(), "AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString(),
        "MAVEN_OPTS", "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
    Process mvn = pb.start();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    // PREFLIGHT reads the service deployment too: wait for WAIT's first poll after UpdateService
    while (sim.calls("UpdateService").isEmpty()
        || sim.calls("DescribeServiceDeployments").stream().noneMatch(c -> c.atMillis()
            > sim.calls("UpdateService").get(0).atMillis())) {
      assertThat(mvn.isAlive()).as("build ended before WAIT: %s", Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as("build reached WAIT").isLessThan(deadline);
      Thread.sleep(50);
    }
    mvn.destroy(); // SIGTERM to the JVM (bin/mvn execs java): the same shutdown path as Ctrl-C
    assertThat(mvn.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(log);
    System.out.println(out);

    assertThat(EcsSimulator.operations(sim.mutatingCalls()))
        .containsExactly("RegisterTaskDefinition", "UpdateService", "StopServiceDeployment");
    assertThat(sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
    assertThat(out).contains("Interrupted during the deployment to staging").contains("Rollback after interrupt succeeded");
    JsonNode last = JSON.readTree(project.resolve("target/slipway/deploy/staging/last.json").toFile());
    assertThat(last.path("rollback").path("method").asText()).isEqualTo("StopServiceDeployment");
    assertThat(last.path("rollback").path("succeeded").asBoolean()).isTrue();
    assertNoCanary(out);
  }

  private void assertNoCanary(String logs) throws Exception {
    StringBuilder all = new StringBuilder(logs);
    try (Stream<Path> files = Files.walk(project.resolve("target"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        all.append(Files.readString(f));
      }
    }
    assertThat(all.toString()).doesNotContain(KEY, SECRET, TOKEN);
  }

  private static Scenario scenario() {
    Scenario s = new Scenario();
    ObjectNode td = JSON.createObjectNode().put("family", "web");
    td.putArray("containerDefinitions").addObject().put("name", "web")
        .put("image", "127.0.0.1:5000/shop/web@sha256:" + "1".repeat(64)).put("essential", true);
    s.taskDefinitions.add(td);
    for (String env : List.of("staging", "production")) {
      Scenario.Cluster c = new Scenario.Cluster();
      c.name = "shop-" + env;
      Scenario.Service svc = new Scenario.Service();
      svc.name = "web";
      svc.taskDefinition = "web:1";
      svc.desiredCount = "staging".equals(env) ? 2 : 4;
      c.services.add(svc);
      s.clusters.add(c);
    }
    return s;
  }
}
