package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Json;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.ecssim.EcsSimulator;
import dev.slipway.ecssim.Scenario;
import dev.slipway.ecssim.SimClock;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.Skopeo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example service deployed the way its README says: {@code mvn verify deploy:ecs -Denv=staging}, in forked Maven
 * builds of a copy of {@code examples/hello-service}. The image goes to a real local registry, "AWS" is the ECS
 * simulator (accelerated clock) reached only through the SDK's {@code AWS_ENDPOINT_URL_*} variables, the credentials
 * in the environment are canaries, and the health check and smoke tests hit the example's own jar, running.
 */
class DeployExampleIT {
  private static final String KEY = "AKIAE2EEXAMPLECANARY";
  private static final String SECRET = "e2e-canary-secret/deploy+example+never+printed";
  private static final String TOKEN = "e2e-canary-session-token-hello-service-0123456789abcdef";
  private static final String CLUSTER = "hello-staging";
  private static final String SERVICE = "hello-service";
  private static final String OLD_IMAGE =
      "registry.example/hello-service@sha256:1111111111111111111111111111111111111111111111111111111111111111";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;

  private static Path project;
  private static Process service;
  private static Path serviceLog;
  private static int servicePort;

  private EcsSimulator sim;
  private HttpServer front;

  /** One copy of the example, packaged once (image pushed to the registry), and its jar started as the "staging" app. */
  @BeforeAll
  static void packageAndStartTheService() throws Exception {
    project = ExampleProject.copy("hello-service", work);
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests",
        "-Dimage.to=" + registry.hostPort() + "/hello-service",
        "-Dimage.insecureRegistries=" + registry.hostPort()).run();
    assertThat(r.succeeded()).as(r.log()).isTrue();

    // run a copy: the verify build below rewrites target/*.jar while the service runs
    Path jar = Files.copy(project.resolve("target/hello-service-1.0.0-SNAPSHOT.jar"), work.resolve("hello-service.jar"));
    serviceLog = work.resolve("hello-service.log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
        .redirectErrorStream(true).redirectOutput(serviceLog.toFile());
    pb.environment().put("PORT", "0"); // the service binds a free port and prints it
    pb.environment().put("BIND", "127.0.0.1");
    service = pb.start();
    servicePort = listeningPort(service, serviceLog);
  }

  @AfterAll
  static void stopTheService() throws InterruptedException {
    if (service != null) {
      service.destroy();
      if (!service.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
  }

  @BeforeEach
  void startTheSimulator() throws Exception {
    Scenario staging = Scenario.read(Path.of(DeployExampleIT.class.getResource("/hello-staging.yaml").toURI()));
    sim = new EcsSimulator(staging, new SimClock.Accelerated(Instant.now(), 60)).start(0);
  }

  @AfterEach
  void stopTheSimulator() {
    if (front != null) {
      front.stop(0);
    }
    sim.close();
  }

  @Test
  void verifyThenDeployToStagingShipsTheDigestJustBuilt() throws Exception {
    assertThat(sim.service(CLUSTER, SERVICE).path("taskDefinition").asText()).endsWith("hello-service:1");

    MavenRun.Result r = deploy("http://127.0.0.1:" + servicePort, "verify", "-Dperf.skip", "deploy:ecs", "-Denv=staging").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();

    // exactly the image this build pushed, by digest
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    String expected = registry.hostPort() + "/hello-service@" + image.digest();
    assertThat(image.pushed()).isTrue();
    String manifest = new Skopeo(registry).inspectRaw("docker://" + expected); // the registry serves what ECS will pull
    assertThat(ImageBuildIT.sha256(manifest.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
    assertThat(EcsSimulator.operations(sim.mutatingCalls())).containsExactly("RegisterTaskDefinition", "UpdateService");
    JsonNode registered = Json.mapper().readTree(sim.calls("RegisterTaskDefinition").get(0).requestBody());
    assertThat(registered.path("family").asText()).isEqualTo("hello-service");
    assertThat(registered.path("containerDefinitions")).hasSize(1);
    assertThat(registered.path("containerDefinitions").get(0).path("name").asText()).isEqualTo("hello-service");
    assertThat(registered.path("containerDefinitions").get(0).path("image").asText()).isEqualTo(expected);

    JsonNode svc = sim.service(CLUSTER, SERVICE);
    assertThat(svc.path("taskDefinition").asText()).endsWith("hello-service:2");
    assertThat(svc.path("runningCount").asInt()).isEqualTo(2);
    JsonNode update = Json.mapper().readTree(sim.calls("UpdateService").get(0).requestBody());
    assertThat(update.path("desiredCount").asInt()).isEqualTo(2);
    assertThat(update.path("deploymentConfiguration").path("minimumHealthyPercent").asInt()).isEqualTo(100);
    assertThat(update.path("deploymentConfiguration").path("maximumPercent").asInt()).isEqualTo(200);

    JsonNode last = Json.mapper().readTree(project.resolve("target/slipway/deploy/staging/last.json").toFile());
    assertThat(last.path("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(r.log())
        .containsPattern("--- image:\\S+:build ") // verify built (and pushed) the image again before deploying it
        .contains("PREFLIGHT environment staging")
        .contains("HEALTH http://127.0.0.1:" + servicePort + "/health answered 200")
        .contains("SMOKE greeting: 200 in ")
        .contains("SMOKE health: 200 in ")
        .contains("DONE staging runs hello-service:2")
        .contains("BUILD SUCCESS");

    // the -Pstaging pattern: the profile alone selects the environment
    MavenRun.Result status = deploy("http://127.0.0.1:" + servicePort, "-Pstaging", "deploy:status").run();
    assertThat(status.succeeded()).as(status.log()).isTrue();
    assertThat(status.log()).contains("Task definition hello-service:2: running 2 / desired 2").contains(expected);
    assertNoCanary(r.log() + status.log());
  }

  @Test
  void aFailingSmokeTestRollsStagingBackToTheOldRevision() throws Exception {
    // a release whose health endpoint is fine but whose API answers 500: /health reaches the real service, the rest fails
    HttpClient http = HttpClient.newHttpClient();
    front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    front.createContext("/", ex -> {
      int status = 500;
      byte[] body = "{\"error\":\"internal\"}".getBytes(StandardCharsets.UTF_8);
      if ("/health".equals(ex.getRequestURI().getPath())) {
        try {
          HttpResponse<byte[]> real = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + servicePort + "/health")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          status = real.statusCode();
          body = real.body();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (IOException e) {
          status = 502;
        }
      }
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    front.start();

    MavenRun.Result r = deploy("http://127.0.0.1:" + front.getAddress().getPort(), "verify", "-Dperf.skip", "deploy:ecs",
        "-Denv=staging").run();
    assertThat(r.succeeded()).as(r.log()).isFalse();
    assertThat(r.log())
        .contains("answered 200")
        .contains("SMOKE greeting failed: HTTP 500, expected 200")
        .contains("Deployment to staging failed at SMOKE")
        .contains("Rolled back with UpdateService to hello-service:1, which is stable again")
        .contains("BUILD FAILURE");

    assertThat(EcsSimulator.operations(sim.mutatingCalls()))
        .containsExactly("RegisterTaskDefinition", "UpdateService", "UpdateService");
    JsonNode rollback = Json.mapper().readTree(sim.calls("UpdateService").get(1).requestBody());
    assertThat(rollback.path("taskDefinition").asText()).endsWith("hello-service:1");
    JsonNode svc = sim.service(CLUSTER, SERVICE);
    assertThat(svc.path("taskDefinition").asText()).endsWith("hello-service:1");
    assertThat(svc.path("deployments")).hasSize(1);
    assertThat(svc.path("runningCount").asInt()).isEqualTo(2);

    JsonNode last = Json.mapper().readTree(project.resolve("target/slipway/deploy/staging/last.json").toFile());
    assertThat(last.path("outcome").asText()).isEqualTo("FAILED_ROLLED_BACK");
    assertThat(last.path("rollback").path("method").asText()).isEqualTo("UpdateService");
    assertThat(last.path("rollback").path("succeeded").asBoolean()).isTrue();
    assertThat(last.toString()).contains(OLD_IMAGE);
    assertNoCanary(r.log());
  }

  /** A forked build that reaches "AWS" only through the SDK's endpoint variables, signed with canary credentials. */
  private MavenRun deploy(String appUrl, String... goals) {
    String endpoint = sim.endpoint().toString();
    MavenRun run = MavenRun.in(project).args(goals).args(
        "-Dapp.url=" + appUrl,
        "-Dimage.to=" + registry.hostPort() + "/hello-service",
        "-Dimage.insecureRegistries=" + registry.hostPort(),
        // the example's staging timings are the old pipeline's (30 s, 10 x 10 s, 15 s polls): shorten them for a test
        "-Dstaging.pollInterval=500ms", "-Dstaging.health.initialDelay=0s", "-Dstaging.health.attempts=3",
        "-Dstaging.health.interval=500ms");
    Map.of("AWS_ENDPOINT_URL_ECS", endpoint, "AWS_ENDPOINT_URL_STS", endpoint,
        "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", endpoint, "AWS_ENDPOINT_URL_IAM", endpoint,
        "AWS_ENDPOINT_URL_CLOUDWATCH", endpoint,
        "AWS_ACCESS_KEY_ID", KEY, "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_SESSION_TOKEN", TOKEN,
        "AWS_CONFIG_FILE", work.resolve("no-aws-config").toString(),
        "AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-aws-credentials").toString()).forEach(run::env);
    return run;
  }

  private static void assertNoCanary(String log) throws IOException {
    StringBuilder all = new StringBuilder(log);
    try (Stream<Path> files = Files.walk(project.resolve("target/slipway/deploy"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(f));
      }
    }
    assertThat(all.toString()).doesNotContain(KEY, SECRET, TOKEN);
    assertThat(all.toString()).contains("\"outcome\""); // the journals were read
  }

  private static int listeningPort(Process p, Path log) throws Exception {
    Pattern listening = Pattern.compile("hello-service listening on 127\\.0\\.0\\.1:(\\d+)");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = listening.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertThat(p.isAlive()).as("hello-service exited: %s", Files.readString(log)).isTrue();
      Thread.sleep(50);
    }
    throw new AssertionError("hello-service did not start within 30 s: " + Files.readString(log));
  }
}
