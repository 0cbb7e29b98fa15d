package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Json;
import dev.slipway.common.image.BuiltImage;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ecssim.ContainerTasks;
import dev.slipway.ecssim.EcsSimulator;
import dev.slipway.ecssim.Scenario;
import dev.slipway.ecssim.SimClock;
import dev.slipway.testkit.JreBase;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.PublishedImage;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example service deployed the way its users call it: {@code mvn verify deploy:ecs -Penv=staging} with the
 * wrapper's Maven 3.9 and {@code mvn -P env=staging verify deploy:ecs} with Maven 4.0.0-rc-5, in forked Maven builds
 * of a copy of {@code examples/hello-service}; and refused at validate, before verify's work, without an environment
 * or with two. The image is built FROM the kit's JRE base and goes to a real local registry; "AWS" is the ECS
 * simulator (accelerated clock) in container mode, reached only through the SDK's {@code AWS_ENDPOINT_URL_*}
 * variables, with canary credentials in the environment: every task it starts is a podman container of the
 * deployed image, pulled by digest, and the environment's app URL is the simulator's load balancer in front of the
 * service's target group, so health checks and smoke tests reach the deployed containers (both Maven lines deploy
 * that way; the refusals at validate, which never reach AWS, run it scripted). The containers' output is kept in
 * {@code target/ecs-tasks/<test>/}.
 */
class DeployExampleIT {
  private static final String KEY = "AKIAE2EEXAMPLECANARY";
  private static final String SECRET = "e2e-canary-secret/deploy+example+never+printed";
  private static final String TOKEN = "e2e-canary-session-token-hello-service-0123456789abcdef";
  private static final String CLUSTER = "hello-staging";
  private static final String SERVICE = "hello-service";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  @TempDir static Path work;

  private static Path project;
  private static PublishedImage jre;
  /** The image staging runs before the test deploys: the example, packaged once FROM the JRE base. */
  private static String oldImage;

  private EcsSimulator sim;
  private URI appUrl;
  private HttpServer front;
  private final HttpClient http = HttpClient.newHttpClient();

  /** The JRE base on the registry, and one copy of the example packaged FROM it: the revision staging runs. */
  @BeforeAll
  static void packageTheRunningRevision() throws Exception {
    jre = JreBase.shared().publishTo(registry);
    project = ExampleProject.copy("hello-service", work);
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests",
        "-Dimage.from=" + jre.pinned(), "-Dimage.platforms=linux/amd64",
        "-Dimage.to=" + registry.hostPort() + "/hello-service",
        "-Dimage.insecureRegistries=" + registry.hostPort()).run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    BuiltImage built = BuiltImage.read(project.resolve("target/slipway/image.json"));
    oldImage = built.repository() + "@" + built.digest();
  }

  /** Staging in container mode: the two tasks of hello-service:1 run the packaged image and answer through the ALB. */
  @BeforeEach
  void startTheSimulator(TestInfo test) throws Exception {
    Scenario staging = Scenario.read(Path.of(DeployExampleIT.class.getResource("/hello-staging.yaml").toURI()));
    ((ObjectNode) staging.taskDefinitions.get(0).withArray("containerDefinitions").get(0)).put("image", oldImage);
    if (test.getTestMethod().orElseThrow().isAnnotationPresent(RefusedBeforeAws.class)) {
      // the build must stop before it reaches "AWS": no containers to start (saves their start-up), no app to reach
      sim = new EcsSimulator(staging, new SimClock.Accelerated(Instant.now(), 60)).start(0);
      appUrl = URI.create("http://127.0.0.1:9");
      return;
    }
    Path logs = Path.of("target", "ecs-tasks", test.getTestMethod().orElseThrow().getName()).toAbsolutePath();
    sim = new EcsSimulator(staging, new SimClock.Accelerated(Instant.now(), 60),
        ContainerTasks.podman(podman, logs)).start(0);
    appUrl = sim.loadBalancerUrl(CLUSTER, SERVICE);
    awaitAnswer(appUrl.resolve("/health"), Duration.ofMinutes(2));
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

    // the users' command line, as Maven 3.9 reads it: "env=staging" is the id of the example's profile
    MavenRun.Result r = deploy(appUrl.toString(), "verify", "-Dperf.skip", "deploy:ecs", "-Penv=staging").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).contains("deploy:guard: deploy:ecs will deploy to environment 'staging'");

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
        .contains("HEALTH target group 73e2d6bc24d8a067: 2/2 targets healthy")
        .contains("HEALTH " + appUrl + "/health answered 200")
        .contains("SMOKE greeting: 200 in ")
        .contains("SMOKE health: 200 in ")
        .contains("DONE staging runs hello-service:2")
        .contains("BUILD SUCCESS");

    // staging now runs the new revision in containers of exactly that image, and they answer the app URL
    List<JsonNode> tasks = sim.tasks(CLUSTER, SERVICE, false);
    assertThat(tasks).hasSize(2).allSatisfy(t -> {
      assertThat(t.path("taskDefinitionArn").asText()).endsWith("hello-service:2");
      assertThat(t.path("lastStatus").asText()).isEqualTo("RUNNING");
      assertThat(t.path("containers").get(0).path("image").asText()).isEqualTo(expected);
    });
    HttpResponse<String> greeting = get(appUrl.resolve("/api/greeting?name=staging"));
    assertThat(greeting.statusCode()).isEqualTo(200);
    assertThat(greeting.body()).isEqualTo("{\"greeting\":\"Hello, staging!\"}");
    assertThat(revisionThatAnswered(greeting)).endsWith("hello-service:2");

    // the -Pstaging pattern: the profile alone selects the environment
    MavenRun.Result status = deploy(appUrl.toString(), "-Pstaging", "deploy:status").run();
    assertThat(status.succeeded()).as(status.log()).isTrue();
    assertThat(status.log()).contains("Task definition hello-service:2: running 2 / desired 2").contains(expected);
    assertNoCanary(r.log() + status.log());
  }

  @Test
  void maven4DeploysWithDashPSpaceEnvEqualsStaging() throws Exception {
    Path maven4 = Path.of(System.getProperty("slipway.maven4.home", "none"));
    assertThat(maven4.resolve("bin/mvn")).as("Maven 4.0.0-rc-5: run .ci/setup.d/45-maven4.sh").isExecutable();
    // Maven 4 refuses -Penv=staging as an unknown option; -P env=staging is its spelling of the same profile
    MavenRun.Result r = deploy(appUrl.toString(), "-V", "-P", "env=staging", "verify", "-DskipTests",
        "-Dperf.skip", "deploy:ecs").mavenHome(maven4).run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).contains("Apache Maven 4.0.0-rc-5").contains("deploy:guard: deploy:ecs will deploy to "
        + "environment 'staging'").contains("DONE staging runs hello-service:2").contains("BUILD SUCCESS");
    assertThat(EcsSimulator.operations(sim.mutatingCalls())).containsExactly("RegisterTaskDefinition", "UpdateService");
    assertThat(sim.service(CLUSTER, SERVICE).path("taskDefinition").asText()).endsWith("hello-service:2");
    assertNoCanary(r.log());
  }

  /** A test whose builds must stop before any AWS call: the simulator runs scripted, without containers. */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
  private @interface RefusedBeforeAws {}

  @Test
  @RefusedBeforeAws
  void noEnvironmentOrTwoContradictingOnesFailAtValidateBeforeVerifiesWork() throws Exception {
    MavenRun.Result none = deploy(appUrl.toString(), "verify", "deploy:ecs").run();
    assertThat(none.succeeded()).isFalse();
    assertThat(none.log()).contains("deploy-maven-plugin").contains(":guard")
        .contains("no environment selected: pass -Penv=<name> (Maven 4: -P env=<name>) or -Denv=<name>; "
            + "configured: staging, production")
        .doesNotContain("--- compiler:").doesNotContain("--- image:");

    MavenRun.Result both = deploy(appUrl.toString(), "-Pstaging", "-Denv=production", "verify", "deploy:ecs").run();
    assertThat(both.succeeded()).isFalse();
    assertThat(both.log()).contains("the build names two environments:").contains("'production' by -Denv")
        .contains("'staging' by profile 'staging' (deploy.env)").doesNotContain("--- compiler:");
    assertThat(sim.calls()).isEmpty();
  }

  @Test
  void anImageThatCannotStartFailsInEcsWhichRollsBackAndTheOldContainersKeepAnswering() throws Exception {
    // a build whose image has a main class that does not exist: every container of it exits at once
    MavenRun.Result r = deploy(appUrl.toString(), "verify", "-Dperf.skip", "deploy:ecs", "-Penv=staging",
        "-Dimage.mainClass=dev.slipway.examples.hello.NoSuchMain").run();
    assertThat(r.succeeded()).as(r.log()).isFalse();
    assertThat(r.log())
        .contains("Reason: Essential container in task exited")
        .contains("ECS rolled the deployment back by itself")
        .contains("Deployment to staging failed at WAIT")
        .contains("BUILD FAILURE");

    // the new revision's tasks: STOPPED, each with the JVM's exit code and its output kept
    List<JsonNode> stopped = sim.tasks(CLUSTER, SERVICE, true).stream()
        .filter(t -> t.path("taskDefinitionArn").asText().endsWith("hello-service:2")).toList();
    assertThat(stopped).hasSizeGreaterThanOrEqualTo(3).allSatisfy(t -> {
      assertThat(t.path("lastStatus").asText()).isEqualTo("STOPPED");
      assertThat(t.path("stopCode").asText()).isEqualTo("EssentialContainerExited");
      assertThat(t.path("containers").get(0).path("exitCode").asInt()).isEqualTo(1);
    });
    assertThat(sim.taskOutput(stopped.get(0).path("taskArn").asText()))
        .contains("Could not find or load main class dev.slipway.examples.hello.NoSuchMain");
    JsonNode svc = sim.service(CLUSTER, SERVICE);
    assertThat(svc.path("taskDefinition").asText()).endsWith("hello-service:1");

    // and staging still answers, from containers of the revision it ran before: an HTTP call, not only the state
    awaitAnswer(appUrl.resolve("/health"), Duration.ofMinutes(1));
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> greeting = get(appUrl.resolve("/api/greeting?name=again"));
      assertThat(greeting.statusCode()).isEqualTo(200);
      assertThat(greeting.body()).isEqualTo("{\"greeting\":\"Hello, again!\"}");
      assertThat(revisionThatAnswered(greeting)).endsWith("hello-service:1");
    }
    assertThat(sim.tasks(CLUSTER, SERVICE, false)).hasSize(2).allSatisfy(t -> {
      assertThat(t.path("taskDefinitionArn").asText()).endsWith("hello-service:1");
      assertThat(t.path("containers").get(0).path("image").asText()).isEqualTo(oldImage);
    });
    JsonNode last = Json.mapper().readTree(project.resolve("target/slipway/deploy/staging/last.json").toFile());
    assertThat(last.path("outcome").asText()).isEqualTo("ROLLED_BACK_BY_ECS");
    assertNoCanary(r.log());
  }

  @Test
  void aFailingSmokeTestRollsStagingBackToTheOldRevision() throws Exception {
    // a release whose health endpoint is fine but whose API answers 500: /health reaches the deployed containers
    // (through the load balancer), the rest fails
    front = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    front.createContext("/", ex -> {
      int status = 500;
      byte[] body = "{\"error\":\"internal\"}".getBytes(StandardCharsets.UTF_8);
      if ("/health".equals(ex.getRequestURI().getPath())) {
        try {
          HttpResponse<byte[]> real = http.send(HttpRequest.newBuilder(appUrl.resolve("/health"))
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
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
    assertThat(last.toString()).contains(oldImage);
    assertNoCanary(r.log());
  }

  /** A forked build that reaches "AWS" only through the SDK's endpoint variables, signed with canary credentials. */
  private MavenRun deploy(String appUrl, String... goals) {
    String endpoint = sim.endpoint().toString();
    MavenRun run = MavenRun.in(project).args(goals).args(
        "-Dapp.url=" + appUrl,
        "-Dimage.from=" + jre.pinned(), "-Dimage.platforms=linux/amd64",
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

  private HttpResponse<String> get(URI url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The task definition of the task that served {@code r}, which the load balancer names. */
  private String revisionThatAnswered(HttpResponse<?> r) {
    String task = r.headers().firstValue("X-Ecssim-Task").orElseThrow();
    return sim.task(task).path("taskDefinitionArn").asText();
  }

  private void awaitAnswer(URI url, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "nothing yet";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get(url);
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(url + " did not answer 200 within " + timeout + " (last: " + last + "); task output in "
        + sim.taskLogDirectory());
  }
}
