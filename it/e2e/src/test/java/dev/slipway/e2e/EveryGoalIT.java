package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.image.ScanSummary;
import dev.slipway.ecssim.ContainerTasks;
import dev.slipway.ecssim.EcsSimulator;
import dev.slipway.ecssim.Scenario;
import dev.slipway.ecssim.SimClock;
import dev.slipway.image.scan.Goldens;
import dev.slipway.image.scan.StandInTrivy;
import dev.slipway.testkit.GitHubStandIn;
import dev.slipway.testkit.JreBase;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.RecordingServer;
import dev.slipway.testkit.Tools;
import dev.slipway.testkit.sigstore.FakeSigstore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One build of the example through every goal, in ONE forked Maven line, with every local peer:
 * {@code mvn verify image:scan image:sign image:verify perf:baseline deploy:ecs -Penv=production}, on a copy of
 * {@code examples/hello-service} that is a git repository whose HEAD carries the tag {@code v1.2.3}.
 *
 * <ul>
 *   <li>image:build FROM the kit's JRE base, pushed to the local registry; image:sbom; image:check;</li>
 *   <li>image:scan with the scripted {@code trivy} stand-in answering Trivy's golden reports;</li>
 *   <li>image:sign keyless (Fulcio over gRPC+TLS and Rekor: the in-JVM fakes), image:verify against the fakes'
 *       trusted root, writing {@code verified.json};</li>
 *   <li>perf:load on a podman container of the pushed image ({@code perf.start=image}), perf:compare,
 *       perf:baseline;</li>
 *   <li>deploy:ecs to production against the ECS simulator in container mode (each task a podman container of the
 *       digest, pulled from the registry, health-checked and reached through the simulator's load balancer): VERIFY
 *       (verified.json and scan.json), the rollout, HEALTH and SMOKE through the load balancer, MONITOR (CloudWatch of
 *       the simulator, a 10 s window), RELEASE (the GitHub stand-in, release of v1.2.3), NOTIFY (a recording Slack
 *       stand-in), SUMMARY (the step summary) and the journal.</li>
 * </ul>
 *
 * <p>Then the digest must be the same everywhere, one record (the deploy journal) must tie the build to the task
 * definition revision and the release, and a tampered {@code verified.json} must stop production before any change.
 *
 * <p>What the copy changes, and why: the production environment's timings (the example keeps the old pipeline's
 * 30 s initial delay, 15 s polls and a 5 minute CloudWatch window) are shortened, and it runs 2 tasks instead of 4,
 * since this test is about the links between the goals, not the verdicts' timing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EveryGoalIT {
  private static final String KEY = "AKIAE2EEVERYGOALCANARY";
  private static final String SECRET = "e2e-canary-secret/every+goal+never+printed";
  private static final String GITHUB_TOKEN = "ghs_everyGoalCanaryToken0123456789abcdef";
  private static final String CLUSTER = "hello-production";
  private static final String SERVICE = "hello-service";
  private static final String TAG = "v1.2.3";
  private static final String REPOSITORY = "acme/hello-service";
  private static final String IDENTITY = "https://github.com/" + REPOSITORY
      + "/.github/workflows/cd.yml@refs/tags/" + TAG;

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();
  @TempDir static Path work;

  private static Path project;
  private static String jre;
  private static Path trivy;
  private static Path summary;
  private static EcsSimulator sim;
  private static URI productionUrl;
  private static GitHubStandIn github;
  private static RecordingServer slack;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void setUpTheWorld() throws Exception {
    jre = JreBase.shared().publishTo(registry).pinned();
    project = ExampleProject.copy("hello-service", work);
    shortenProductionTimings(project.resolve("pom.xml"));
    tagTheCheckout(project);
    trivy = new StandInTrivy(Goldens.extract("alpine-310.json.golden", work.resolve("golden")).toString(),
        Goldens.extract("alpine-39-ignore-cveids.json.golden", work.resolve("golden")).toString(), "")
        .write(work.resolve("bin"));
    summary = Files.writeString(work.resolve("step-summary.md"), "");

    Scenario production = Scenario.read(Path.of(EveryGoalIT.class.getResource("/hello-production.yaml").toURI()));
    // a clock that starts on a whole minute, 60 times faster than the wall clock: the CloudWatch datapoints (one per
    // simulated minute from the start) then fall on the minute boundaries the monitor's window begins at
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Path logs = Path.of("target", "ecs-tasks", "EveryGoalIT").toAbsolutePath();
    sim = new EcsSimulator(production, new SimClock.Accelerated(minute, 60), ContainerTasks.podman(podman, logs))
        .start(0);
    productionUrl = sim.loadBalancerUrl(CLUSTER, SERVICE);
    github = new GitHubStandIn(GITHUB_TOKEN);
    slack = new RecordingServer();
  }

  @AfterAll
  static void tearDown() {
    if (sim != null) {
      sim.close();
    }
    if (github != null) {
      github.close();
    }
    if (slack != null) {
      slack.close();
    }
  }

  @Test
  @Order(1)
  void oneBuildTakesTheExampleFromSourceToARunningReleasedProductionService() throws Exception {
    assertThat(sim.tasks(CLUSTER, SERVICE, false)).as("nothing runs before the deploy").isEmpty();
    long start = System.nanoTime();
    MavenRun.Result r = maven("verify", "image:scan", "image:sign", "image:verify", "perf:baseline", "deploy:ecs",
        "-Penv=production", "-Ddeploy.confirm=production").run();
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    System.out.printf("EveryGoalIT: verify image:scan image:sign image:verify perf:baseline deploy:ecs took %d s%n",
        seconds);
    assertThat(r.succeeded()).as(r.log()).isTrue();

    // every goal ran, in this one build
    assertThat(r.log())
        .containsPattern("--- image:\\S+:build ").containsPattern("--- image:\\S+:sbom ")
        .containsPattern("--- image:\\S+:check ").containsPattern("--- image:\\S+:scan ")
        .containsPattern("--- image:\\S+:sign ").containsPattern("--- image:\\S+:verify ")
        .containsPattern("--- perf:\\S+:load ").containsPattern("--- perf:\\S+:compare ")
        .containsPattern("--- perf:\\S+:baseline ").containsPattern("--- deploy:\\S+:ecs ")
        .contains("deploy:guard: deploy:ecs will deploy to environment 'production'")
        .contains("BUILD SUCCESS");

    // the digest the build pushed ...
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    String digest = image.digest();
    String reference = registry.hostPort() + "/hello-service@" + digest;
    assertThat(image.pushed()).isTrue();
    assertThat(digest).startsWith("sha256:").hasSize(71);
    // ... is the one load-tested (a container of its linux/amd64 manifest) ...
    assertThat(r.log()).contains("starting the image " + image.repository() + "@" + image.platforms().get(0).digest());
    assertThat(Files.readAllLines(project.resolve(".slipway/perf-history.jsonl"))).isNotEmpty();
    // ... the one scanned, signed and verified ...
    ScanSummary scan = ScanSummary.read(project.resolve("target/slipway/scan/scan.json"));
    assertThat(scan.digest()).isEqualTo(digest);
    assertThat(scan.verdict()).isEqualTo("pass");
    JsonNode verified = Json.mapper().readTree(project.resolve("target/slipway/verified.json").toFile());
    assertThat(verified.path("digest").asText()).isEqualTo(digest);
    assertThat(verified.path("verdict").asText()).isEqualTo("PASS");
    assertThat(r.log()).contains("Signed " + reference);
    assertThat(r.log()).contains("VERIFY verified.json vouches for " + digest)
        .contains("VERIFY scan.json vouches for " + digest);

    // ... the one registered in the task definition ECS runs ...
    assertThat(EcsSimulator.operations(sim.mutatingCalls())).containsExactly("RegisterTaskDefinition", "UpdateService");
    JsonNode registered = Json.mapper().readTree(sim.calls("RegisterTaskDefinition").get(0).requestBody());
    assertThat(registered.path("containerDefinitions").get(0).path("image").asText()).isEqualTo(reference);
    JsonNode svc = sim.service(CLUSTER, SERVICE);
    assertThat(svc.path("taskDefinition").asText()).endsWith("hello-service:2");
    String revision = svc.path("taskDefinition").asText();

    // ... the one the running containers were created from (podman's own view of each task's container) ...
    List<JsonNode> tasks = sim.tasks(CLUSTER, SERVICE, false);
    assertThat(tasks).hasSize(2);
    for (JsonNode task : tasks) {
      assertThat(task.path("taskDefinitionArn").asText()).isEqualTo(revision);
      assertThat(task.path("lastStatus").asText()).isEqualTo("RUNNING");
      JsonNode container = task.path("containers").get(0);
      assertThat(container.path("image").asText()).isEqualTo(reference);
      String id = container.path("runtimeId").asText();
      assertThat(id).as("container mode names the task's container").isNotBlank();
      String inspected = podman.podman("inspect", "--format", "{{.ImageName}} {{.State.Running}}", id).strip();
      assertThat(inspected).isEqualTo(reference + " true");
      // what podman pulled for it: the image index by its digest, resolved to the linux/amd64 manifest of it
      String imageId = podman.podman("inspect", "--format", "{{.Image}}", id).strip();
      String pulled = podman.podman("image", "inspect", "--format", "{{.Digest}} {{range .RepoDigests}}{{.}} {{end}}",
          imageId).strip();
      System.out.println("EveryGoalIT: task container " + id + " runs image " + imageId + ": " + pulled);
      assertThat(pulled.split(" ")).as("podman's digests of the image the task runs").contains(reference);
      assertThat(List.of(digest, image.platforms().get(0).digest())).contains(pulled.split(" ")[0]);
    }

    // ... and it answers through the production load balancer, from a task of the new revision
    HttpResponse<String> greeting = http.send(HttpRequest.newBuilder(
        productionUrl.resolve("/api/greeting?name=production")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(greeting.statusCode()).isEqualTo(200);
    assertThat(greeting.body()).isEqualTo("{\"greeting\":\"Hello, production!\"}");
    String answeredBy = greeting.headers().firstValue("X-Ecssim-Task").orElseThrow();
    assertThat(sim.task(answeredBy).path("taskDefinitionArn").asText()).isEqualTo(revision);

    // MONITOR watched the simulator's CloudWatch and judged real numbers
    assertThat(r.log()).contains("MONITOR watching 10 s of CloudWatch").contains("MONITOR passed: error rate 0");

    // the GitHub release of the tag names the digest, where it runs, and carries the evidence
    assertThat(github.releases()).singleElement().satisfies(release -> {
      assertThat(release.path("tag_name").asText()).isEqualTo(TAG);
      assertThat(release.path("body").asText()).contains(digest).contains("hello-service:2")
          .contains("production");
      List<String> assets = new ArrayList<>();
      release.path("assets").forEach(a -> assets.add(a.path("name").asText()));
      assertThat(assets).contains("image.json", "verified.json", "scan.json").anyMatch(a -> a.endsWith(".cdx.json"));
    });
    String releaseUrl = github.releases().get(0).path("html_url").asText();

    // Slack heard of it: deploys and general (a production deploy), naming the digest and the revision
    Map<String, String> slackByPath = new LinkedHashMap<>();
    slack.requests().forEach(q -> slackByPath.put(q.path(), q.body()));
    assertThat(slackByPath).containsOnlyKeys("/deploys", "/general");
    assertThat(slackByPath.values()).allSatisfy(body -> assertThat(body).contains(digest).contains("hello-service:2"));

    // ONE record ties it together: the journal of this deployment links the build's digest, the evidence, the task
    // definition revision, the monitor's verdict, the release and the notifications
    JsonNode last = Json.mapper().readTree(project.resolve("target/slipway/deploy/production/last.json").toFile());
    assertThat(last.path("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(last.path("image").asText()).isEqualTo(reference);
    assertThat(last.at("/build/imageDigest").asText()).isEqualTo(digest);
    assertThat(last.at("/build/tags").toString()).contains(TAG);
    assertThat(last.at("/verification/digest").asText()).isEqualTo(digest);
    assertThat(last.at("/verification/evidence")).hasSize(2).allSatisfy(e -> {
      assertThat(e.path("digest").asText()).isEqualTo(digest);
      assertThat(e.path("vouches").asBoolean()).isTrue();
    });
    assertThat(last.path("newTaskDefinition").asText()).isEqualTo(revision);
    assertThat(last.at("/monitor/verdict").asText()).isEqualTo("PASSED");
    assertThat(last.at("/release/tag").asText()).isEqualTo(TAG);
    assertThat(last.at("/release/url").asText()).isEqualTo(releaseUrl);
    assertThat(last.path("notifications")).hasSize(2)
        .allSatisfy(n -> assertThat(n.path("delivered").asBoolean()).isTrue());
    // and the step summary a CI run shows carries the same chain
    assertThat(Files.readString(summary)).contains(digest).contains("hello-service:2").contains(releaseUrl);

    assertNoCanary(r.log());
  }

  @Test
  @Order(2)
  void aTamperedVerifiedJsonStopsProductionBeforeAnyChange() throws Exception {
    Path verifiedJson = project.resolve("target/slipway/verified.json");
    String text = Files.readString(verifiedJson);
    String digest = BuiltImage.read(project.resolve("target/slipway/image.json")).digest();
    // another image's digest in the evidence: the link from "this was verified" to "this is deployed" breaks
    String other = "sha256:" + new StringBuilder(digest.substring(7)).reverse();
    assertThat(text).contains(digest);
    Files.writeString(verifiedJson, text.replace(digest, other));
    int callsBefore = sim.mutatingCalls().size();

    MavenRun.Result r = maven("deploy:ecs", "-Penv=production", "-Ddeploy.confirm=production").run();
    assertThat(r.succeeded()).as(r.log()).isFalse();
    assertThat(r.log()).contains("VERIFY refused: ").contains(other)
        .contains("Deployment refused: production deploys only an image whose verified.json and scan.json name its "
            + "digest " + digest);
    assertThat(sim.mutatingCalls()).as("nothing was changed in ECS").hasSize(callsBefore);
    assertThat(sim.service(CLUSTER, SERVICE).path("taskDefinition").asText()).endsWith("hello-service:2");
    assertThat(github.releases()).hasSize(1);
    assertNoCanary(r.log());
  }

  /** A forked build that reaches every peer through loopback, with canary credentials and tokens. */
  private static MavenRun maven(String... goals) {
    String endpoint = sim.endpoint().toString();
    MavenRun run = MavenRun.in(project).env(podman.environment()).args(goals).args(
        "-Dimage.from=" + jre, "-Dimage.platforms=linux/amd64",
        "-Dimage.to=" + registry.hostPort() + "/hello-service", "-Dimage.insecureRegistries=" + registry.hostPort(),
        "-Dimage.scan.trivy=" + trivy, "-Dimage.scan.cacheDirectory=" + work.resolve("trivy-cache"),
        "-Dimage.sign.trustedRoot=" + sigstore.trustedRoot(), "-Dimage.sign.signingConfig=" + sigstore.signingConfig(),
        "-Dimage.verify.identity=" + IDENTITY, "-Dimage.verify.issuer=" + FakeSigstore.GITHUB_ISSUER,
        "-Dimage.verify.trustedRoot=" + sigstore.trustedRoot(),
        "-Dperf.start=image", "-Dperf.runs=1", "-Dperf.startTimeout=120s",
        "-Dproduction.url=" + productionUrl, "-Ddeploy.github.apiUrl=" + github.api());
    sigstore.jvmTrustArgs().forEach(run::args);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL_ECS", endpoint);
    env.put("AWS_ENDPOINT_URL_STS", endpoint);
    env.put("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", endpoint);
    env.put("AWS_ENDPOINT_URL_IAM", endpoint);
    env.put("AWS_ENDPOINT_URL_CLOUDWATCH", endpoint);
    env.put("AWS_ACCESS_KEY_ID", KEY);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET);
    env.put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-aws-credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("SIGSTORE_ID_TOKEN", FakeSigstore.token(IDENTITY));
    env.put("ACTIONS_ID_TOKEN_REQUEST_URL", "");
    env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "");
    env.put("GITHUB_TOKEN", GITHUB_TOKEN);
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    env.put("SLACK_WEBHOOK_DEPLOYS", slack.uri("/deploys").toString());
    env.put("SLACK_WEBHOOK_GENERAL", slack.uri("/general").toString());
    env.put("SLACK_WEBHOOK_CRITICAL", slack.uri("/critical").toString());
    return run.env(env);
  }

  /**
   * The production environment of the copy: 2 tasks, ECS polled every 500 ms, health checked at once, 3 times
   * 500 ms apart, and CloudWatch watched for 10 s every 5 s (the example: 4 tasks, 15 s, 30 s, 10 x 10 s, 5 min).
   */
  private static void shortenProductionTimings(Path pom) throws IOException {
    String text = Files.readString(pom);
    String shortened = text
        .replace("<desiredCount>4</desiredCount>", "<desiredCount>2</desiredCount>")
        .replace("<requireConfirmation>true</requireConfirmation>",
            "<requireConfirmation>true</requireConfirmation><pollInterval>500ms</pollInterval>")
        .replace("<url>${production.url}/health</url>", "<url>${production.url}/health</url>"
            + "<initialDelay>0s</initialDelay><attempts>3</attempts><interval>500ms</interval>")
        .replace("<monitor>", "<monitor><window>10s</window><interval>5s</interval>");
    for (String changed : List.of("<desiredCount>2</desiredCount>", "<pollInterval>500ms</pollInterval>",
        "<initialDelay>0s</initialDelay><attempts>3</attempts>", "<window>10s</window>")) {
      assertThat(shortened).as("the example's production environment moved: " + changed).contains(changed);
    }
    assertThat(shortened).doesNotContain("<desiredCount>4</desiredCount>");
    Files.writeString(pom, shortened);
  }

  /** Makes the copy a checkout of {@link #REPOSITORY} whose HEAD is tagged {@link #TAG}, as a release build's is. */
  private static void tagTheCheckout(Path dir) throws Exception {
    Files.writeString(dir.resolve(".gitignore"), "target/\n.slipway/\n");
    git(dir, "init", "-q", "-b", "main");
    git(dir, "remote", "add", "origin", "https://github.com/" + REPOSITORY + ".git");
    git(dir, "add", "-A");
    git(dir, "-c", "user.name=Release Bot", "-c", "user.email=release@hello.example", "commit", "-q", "-m",
        "hello-service 1.2.3");
    git(dir, "-c", "user.name=Release Bot", "-c", "user.email=release@hello.example", "tag", "-a", TAG, "-m", TAG);
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.require("git", "git").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("git " + String.join(" ", args) + " failed: " + out);
    }
  }

  /** No canary in the build log, the deploy journals, the step summary, or what Slack and GitHub received. */
  private static void assertNoCanary(String log) throws IOException {
    StringBuilder all = new StringBuilder(log).append(Files.readString(summary));
    try (var files = Files.walk(project.resolve("target/slipway/deploy"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(f));
      }
    }
    slack.requests().forEach(q -> all.append(q.body()));
    github.releases().forEach(rel -> all.append(rel));
    assertThat(all.toString()).doesNotContain(KEY, SECRET, GITHUB_TOKEN, FakeSigstore.token(IDENTITY));
    assertThat(all.toString()).contains("\"outcome\"");
  }
}
