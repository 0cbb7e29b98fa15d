package dev.slipway.e2e.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.image.ScanSummary;
import dev.slipway.image.scan.Goldens;
import dev.slipway.image.scan.StandInTrivy;
import dev.slipway.testkit.GitHubStandIn;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.RecordingServer;
import dev.slipway.testkit.RecordingServer.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The templates' Maven lines, run as they are written (expressions replaced by local values), in forked Maven builds
 * of a copy of {@code examples/hello-service}, one job after the other as GitHub would run them, with the local
 * stand-ins in place of the runner's world: the scripted {@code trivy} with Trivy's golden reports instead of Trivy's
 * image, a recording HTTP server as GitHub's REST API (the pull-request comment) and as Slack, a free loopback port
 * for the service under load. After each job, every file its later steps hand on (the SARIF for code scanning, the
 * uploaded artifacts, the cached history) must be where the template says.
 *
 * <p>What the copy changes, and why: {@code .mvn/maven.config} names the stand-in trivy, its cache and the port
 * (a user's runner has Docker for Trivy and a port of its own); the memory watch and the stress search of the POM are
 * shortened (1 min and 3 min in the example) since this test is about the wiring, not the verdicts.
 * Of the CD lines, the release job's runs here, against the GitHub stand-in, on what the publish job hands on; the
 * others need a registry push, a Sigstore and AWS: {@link WorkflowTemplatesTest} checks them statically, and
 * {@code DeployExampleIT} runs {@code verify deploy:ecs -Penv=staging} on this example against the ECS simulator.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkflowTemplatesIT {
  private static final String TOKEN = "ghs_workflowTemplateCanaryToken0123456789";
  private static final String REPOSITORY = "acme/hello-service";
  private static final int PULL_REQUEST = 42;

  @TempDir static Path dir;
  static Path project;
  static Path summary;
  static Path event;
  static RecordingServer github;
  static RecordingServer slack;
  static List<Workflow> templates;

  @BeforeAll
  static void checkOutTheExample() throws Exception {
    Path root = Path.of(System.getProperty("slipway.root")).toAbsolutePath().normalize();
    templates = Workflow.templates(root);
    project = copyExample(root, dir);
    Path trivy = new StandInTrivy(Goldens.extract("alpine-310.json.golden", dir.resolve("golden")).toString(),
        Goldens.extract("alpine-39-ignore-cveids.json.golden", dir.resolve("golden")).toString(), "")
        .write(dir.resolve("bin"));
    Files.createDirectories(project.resolve(".mvn"));
    Files.writeString(project.resolve(".mvn/maven.config"), String.join("\n",
        "-Dimage.scan.trivy=" + trivy,
        "-Dimage.scan.cacheDirectory=" + dir.resolve("trivy-cache"),
        "-Dperf.port=" + freePort()) + "\n");
    Path pom = project.resolve("pom.xml");
    String text = Files.readString(pom);
    String shortened = text.replace("<memoryDuration>1m</memoryDuration>", "<memoryDuration>15s</memoryDuration>")
        .replace("<maxDuration>3m</maxDuration>", "<maxDuration>20s</maxDuration>");
    assertThat(shortened).as("the example's memory and stress durations moved").isNotEqualTo(text);
    Files.writeString(pom, shortened);

    summary = Files.writeString(dir.resolve("step-summary.md"), "");
    event = Files.writeString(dir.resolve("event.json"),
        "{\"action\":\"synchronize\",\"pull_request\":{\"number\":" + PULL_REQUEST + "}}");
    github = new RecordingServer().answer(r -> r.method().equals("GET") ? Response.json(200, "[]")
        : Response.json(201, "{\"id\":1,\"html_url\":\"https://github.example/" + REPOSITORY + "/pull/"
            + PULL_REQUEST + "#issuecomment-1\"}"));
    slack = new RecordingServer();
  }

  @AfterAll
  static void stop() {
    if (github != null) {
      github.close();
    }
    if (slack != null) {
      slack.close();
    }
  }

  /** The local value of each expression a run line or its step's env uses; an unknown one fails the test. */
  static String local(String expression) {
    return switch (expression) {
      case "secrets.GITHUB_TOKEN" -> TOKEN;
      case "secrets.SLACK_WEBHOOK_PERFORMANCE" -> slack.uri("/services/T000/B000/performance").toString();
      case "github.repository" -> REPOSITORY;
      default -> null;
    };
  }

  /** What a GitHub-hosted runner sets for a run of this event on main (or pull request 42), pointed at the stand-ins. */
  static Map<String, String> runner(String eventName) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GITHUB_ACTIONS", "true");
    env.put("CI", "true");
    env.put("GITHUB_REPOSITORY", REPOSITORY);
    env.put("GITHUB_EVENT_NAME", eventName);
    env.put("GITHUB_API_URL", github.uri("").toString());
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    env.put("GITHUB_RUN_ID", "4711");
    env.put("GITHUB_SERVER_URL", "https://github.example");
    env.put("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567");
    if (eventName.equals("pull_request")) {
      env.put("GITHUB_EVENT_PATH", event.toString());
      env.put("GITHUB_REF", "refs/pull/" + PULL_REQUEST + "/merge");
      env.put("GITHUB_REF_NAME", PULL_REQUEST + "/merge");
      env.put("GITHUB_HEAD_REF", "faster-greetings");
      env.put("GITHUB_BASE_REF", "main");
    } else {
      env.put("GITHUB_REF", "refs/heads/main");
      env.put("GITHUB_REF_NAME", "main");
    }
    env.put("GITHUB_REF_TYPE", "branch");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }

  /** Runs every Maven line of a job, each with its step's env; returns the last build. */
  static MavenRun.Result runJob(String workflow, String job, String eventName) throws Exception {
    return runJob(workflow, job, eventName, project, Map.of());
  }

  static MavenRun.Result runJob(String workflow, String job, String eventName, Path checkout,
      Map<String, String> moreEnv) throws Exception {
    Workflow w = templates.stream().filter(t -> t.name().equals(workflow)).findFirst().orElseThrow();
    List<MavenLine> lines = w.mavenLines(job, WorkflowTemplatesIT::local);
    assertThat(lines).as(workflow + " job " + job).isNotEmpty();
    MavenRun.Result result = null;
    for (MavenLine line : lines) {
      JsonNode step = Workflow.steps(w.jobs().get(job)).stream()
          .filter(s -> line.text().equals(s.path("run").asText().strip())).findFirst().orElseThrow();
      MavenRun run = MavenRun.in(checkout).args(line.args().toArray(String[]::new)).env(runner(eventName))
          .env(moreEnv);
      for (Map.Entry<String, JsonNode> e : step.path("env").properties()) {
        run.env(e.getKey(), MavenLine.substitute(e.getValue().asText(), WorkflowTemplatesIT::local));
      }
      long start = System.nanoTime();
      result = run.run();
      System.out.printf("%s › %s: %s — %s in %d s%n", workflow, job, line.text(),
          result.succeeded() ? "ok" : "FAILED", (System.nanoTime() - start) / 1_000_000_000L);
      assertThat(result.succeeded()).as(line.where() + "\n" + result.log()).isTrue();
      assertThat(result.log()).as("the token is never printed").doesNotContain(TOKEN);
    }
    return result;
  }

  /** Every file the job's later steps pick up (SARIF upload, artifacts, caches) exists after its Maven lines. */
  static void handedOnFilesExist(String workflow, String job) throws IOException {
    Workflow w = templates.stream().filter(t -> t.name().equals(workflow)).findFirst().orElseThrow();
    for (JsonNode step : Workflow.steps(w.jobs().get(job))) {
      String uses = step.path("uses").asText("");
      String paths = uses.startsWith("github/codeql-action/upload-sarif@") ? step.path("with").path("sarif_file").asText()
          : uses.startsWith("actions/upload-artifact@") || uses.startsWith("actions/cache/save@")
              ? step.path("with").path("path").asText() : null;
      if (paths == null) {
        continue;
      }
      for (String path : paths.lines().map(String::strip).filter(p -> !p.isEmpty()).toList()) {
        assertThat(matches(path)).as(workflow + " job " + job + " step " + uses + ": " + path).isNotEmpty();
      }
    }
  }

  private static List<Path> matches(String path) throws IOException {
    if (path.contains("*")) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + path);
      try (Stream<Path> files = Files.walk(project)) {
        return files.filter(p -> m.matches(project.relativize(p))).toList();
      }
    }
    Path p = project.resolve(path);
    if (Files.isDirectory(p)) {
      try (Stream<Path> files = Files.list(p)) {
        return files.toList();
      }
    }
    return Files.isRegularFile(p) ? List.of(p) : List.of();
  }

  @Test
  @Order(1)
  void ciBuildTestsImageSbomCheckAndScan() throws Exception {
    MavenRun.Result r = runJob("ci.yml", "build", "push");
    assertThat(r.log()).contains("Tests run:").containsPattern("--- image:\\S+:build ")
        .containsPattern("--- image:\\S+:sbom ").containsPattern("--- image:\\S+:check ")
        .containsPattern("--- image:\\S+:scan ").contains("perf:load skipped (perf.skip)");
    assertThat(project.resolve("target/slipway/perf")).doesNotExist();
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    // where deploy:ecs and deploy:release read it by default, so the CD jobs find it in the hand-over
    String scanJson = PluginDescriptors.load().goal("deploy:ecs").defaults().get("scanJson")
        .replace("${project.build.directory}", "target");
    ScanSummary scan = ScanSummary.read(project.resolve(scanJson));
    assertThat(scan.digest()).isEqualTo(image.digest());
    assertThat(scan.verdict()).isEqualTo("pass");
    assertThat(Json.mapper().readTree(project.resolve("target/slipway/scan/scan.sarif").toFile())
        .path("runs").get(0).path("results").size()).isPositive();
    assertThat(Files.readString(summary)).contains("## image:scan — PASS");
    handedOnFilesExist("ci.yml", "build");
  }

  @Test
  @Order(2)
  void ciPerformanceGateCommentsOnThePullRequest() throws Exception {
    runJob("ci.yml", "perf-gate", "pull_request");
    String report = Files.readString(project.resolve("target/slipway/perf/compare.md"));
    List<RecordingServer.Request> posts = github.requests().stream().filter(q -> q.method().equals("POST")).toList();
    assertThat(posts).singleElement().satisfies(post -> {
      assertThat(post.path()).isEqualTo("/repos/" + REPOSITORY + "/issues/" + PULL_REQUEST + "/comments");
      assertThat(post.header("Authorization")).isEqualTo("Bearer " + TOKEN);
      String body = Json.mapper().readTree(post.body()).path("body").asText();
      assertThat(body).contains(report.lines().filter(l -> l.startsWith("|")).findFirst().orElseThrow());
    });
    assertThat(Files.readString(summary)).contains(report.lines().findFirst().orElseThrow());
    assertThat(project.resolve(".slipway/perf-history.jsonl")).as("a pull request records no history").doesNotExist();
    handedOnFilesExist("ci.yml", "perf-gate");
  }

  @Test
  @Order(3)
  void performanceOnMainRecordsTheBaseline() throws Exception {
    runJob("performance.yml", "baseline", "push");
    assertThat(Files.readAllLines(project.resolve(".slipway/perf-history.jsonl"))).hasSize(3);
    handedOnFilesExist("performance.yml", "baseline");
  }

  @Test
  @Order(4)
  void dailyMemoryWatchAndStressTest() throws Exception {
    runJob("performance.yml", "memory", "schedule");
    JsonNode memory = Json.mapper().readTree(project.resolve("target/slipway/perf/memory.json").toFile());
    assertThat(memory.path("verdict").asText()).isIn("STABLE", "PLATEAU", "INCONCLUSIVE");
    handedOnFilesExist("performance.yml", "memory");

    runJob("performance.yml", "stress", "schedule");
    assertThat(project.resolve("target/slipway/perf/stress.json")).isRegularFile();
    handedOnFilesExist("performance.yml", "stress");
  }

  @Test
  @Order(5)
  void cdReleaseAttachesWhatThePublishJobHandsOn() throws Exception {
    // the release job's checkout, and actions/download-artifact of "slipway" into target/slipway: the publish job's
    // paths, kept relative to their common folder (target/slipway), from the build above (no push, no signature
    // here: those need a registry and a Sigstore, which sign-it and DeployExampleIT cover)
    Path checkout = copyExample(Path.of(System.getProperty("slipway.root")), dir.resolve("release-job"));
    Workflow cd = templates.stream().filter(t -> t.name().equals("cd.yml")).findFirst().orElseThrow();
    JsonNode upload = Workflow.uses(cd.jobs().get("publish"), "actions/upload-artifact").stream()
        .filter(u -> u.path("with").path("name").asText().equals("slipway")).findFirst().orElseThrow();
    int copied = 0;
    for (String path : upload.path("with").path("path").asText().lines().map(String::strip)
        .filter(p -> !p.isEmpty()).toList()) {
      for (Path file : matches(path)) {
        try (Stream<Path> files = Files.isDirectory(file) ? Files.walk(file) : Stream.of(file)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            Path to = checkout.resolve(project.relativize(f).toString());
            Files.createDirectories(to.getParent());
            Files.copy(f, to);
            copied++;
          }
        }
      }
    }
    assertThat(copied).isGreaterThanOrEqualTo(4);

    try (GitHubStandIn gitHub = new GitHubStandIn(TOKEN)) {
      runJob("cd.yml", "release", "push", checkout, Map.of("GITHUB_API_URL", gitHub.api().toString(),
          "GITHUB_REF", "refs/tags/v1.0.0", "GITHUB_REF_TYPE", "tag", "GITHUB_REF_NAME", "v1.0.0"));
      BuiltImage image = BuiltImage.read(checkout.resolve("target/slipway/image.json"));
      assertThat(gitHub.releases()).singleElement().satisfies(release -> {
        assertThat(release.path("tag_name").asText()).isEqualTo("v1.0.0");
        assertThat(release.path("body").asText()).contains(image.digest());
        List<String> assets = new java.util.ArrayList<>();
        release.path("assets").forEach(a -> assets.add(a.path("name").asText()));
        assertThat(assets).contains("image.json", "scan.json", "scan.sarif")
            .anyMatch(a -> a.endsWith(".cdx.json"));
      });
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A copy of examples/hello-service without target/, as a checkout would have it. */
  static Path copyExample(Path root, Path into) throws IOException {
    Path source = root.resolve("examples/hello-service");
    Path target = into.resolve("hello-service");
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.toList()) {
        Path rel = source.relativize(p);
        if (rel.startsWith("target")) {
          continue;
        }
        Path dest = target.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
    return target;
  }
}
