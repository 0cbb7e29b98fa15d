package dev.slipway.e2e.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions templates under {@code src/site/resources/templates/github} and the project's own workflow, read
 * without running anything: GitHub's own parser accepts them, every Maven line names goals, executions, profiles and
 * flags that exist, the permissions are the least each job needs, artifacts are kept as long as the old pipeline kept
 * them, deployments queue per environment, and the stress test runs daily at 2 AM UTC. Each rule is also shown
 * rejecting a broken template. {@code WorkflowTemplatesIT} runs the lines.
 */
class WorkflowTemplatesTest {
  /** The rules look at goals and flags; an expression may stand for anything here. */
  static final UnaryOperator<String> ANY = e -> "x";

  static Path root;
  static List<Workflow> templates;
  static MavenLineCheck check;

  @BeforeAll
  static void read() throws Exception {
    root = Path.of(System.getProperty("slipway.root", "../..")).toAbsolutePath().normalize();
    templates = Workflow.templates(root);
    check = new MavenLineCheck(PluginDescriptors.load(),
        ExampleModel.read(root.resolve("examples/hello-service/pom.xml")));
  }

  static Workflow template(String name) {
    return templates.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theThreeTemplatesReplaceTheOldFourWorkflows() {
    assertThat(templates).extracting(Workflow::name).containsExactly("cd.yml", "ci.yml", "performance.yml");
    Set<String> tasks = new TreeSet<>();
    templates.forEach(w -> w.mavenLines(ANY).forEach(l -> tasks.addAll(l.tasks())));
    // CI: build, tests, image, SBOM, check (bound in verify), scan; CD: push + sign + verify, deploy, release;
    // performance: load + compare (bound), baseline, memory, stress
    assertThat(tasks).contains("verify", "image:scan", "image:sign", "image:verify", "deploy:ecs", "deploy:release",
        "perf:baseline", "perf:memory@memory", "perf:stress@stress");
    assertThat(template("ci.yml").mavenLines(ANY)).anyMatch(l -> "true".equals(l.properties().get("perf.comment")));
    assertThat(template("cd.yml").mavenLines(ANY)).anyMatch(l -> l.profiles().contains("env=staging"))
        .anyMatch(l -> l.profiles().contains("env=production"));
  }

  @Test
  void githubsOwnParserAcceptsEveryWorkflow() throws Exception {
    List<Path> files = new ArrayList<>(templates.stream().map(Workflow::file).toList());
    files.add(root.resolve(".github/workflows/ci.yml"));
    Map<Path, List<String>> errors = new GitHubWorkflowParser(root).errors(files);
    assertThat(errors).hasSize(4);
    errors.forEach((file, e) -> assertThat(e).as(file.toString()).isEmpty());
  }

  @Test
  void githubsOwnParserRejectsBrokenWorkflows() throws Exception {
    Path schema = Path.of(getClass().getResource("/workflows/broken-schema.yml").toURI());
    Path semantics = Path.of(getClass().getResource("/workflows/broken-semantics.yml").toURI());
    Map<Path, List<String>> errors = new GitHubWorkflowParser(root).errors(List.of(schema, semantics));
    assertThat(errors.get(schema)).anyMatch(e -> e.contains("Unexpected value 'id-tokens'"))
        .anyMatch(e -> e.contains("Unexpected value 'whith'"))
        .anyMatch(e -> e.contains("The expression is not closed"));
    assertThat(errors.get(semantics)).anyMatch(e -> e.contains("Invalid cron expression"))
        .anyMatch(e -> e.contains("at least one job with no dependencies"));
  }

  @Test
  void everyMavenLineNamesGoalsAndFlagsThatExist() {
    List<MavenLine> lines = new ArrayList<>();
    templates.forEach(w -> lines.addAll(w.mavenLines(ANY)));
    assertThat(lines).hasSizeGreaterThanOrEqualTo(9);
    for (MavenLine line : lines) {
      assertThat(check.problems(line)).as(line.where()).isEmpty();
      assertThat(line.text()).as(line.where()).startsWith("./mvnw -B -ntp ");
    }
  }

  @Test
  void aGoalOrFlagThatDoesNotExistIsRejected() {
    assertThat(problems("./mvnw -B verify image:scna")).singleElement().asString()
        .contains("goal 'image:scna' does not exist");
    assertThat(problems("./mvnw -B verify image:scan -Dimage.scan.failon=HIGH")).singleElement().asString()
        .contains("-Dimage.scan.failon is a parameter of none of the goals");
    // a real property, but of a goal this line does not run
    assertThat(problems("./mvnw -B deploy:ecs -Penv=staging -Dperf.comment=true")).singleElement().asString()
        .contains("-Dperf.comment");
    // perf:stress is bound to no phase: its flags mean nothing to `verify`
    assertThat(problems("./mvnw -B verify -Dperf.stress.maxDuration=1m")).hasSize(1);
    assertThat(problems("./mvnw -B deploy:ecs -Penv=stage")).singleElement().asString()
        .contains("-Penv=stage: the example's POM has no such profile");
    assertThat(problems("./mvnw -B package perf:memory@leak")).singleElement().asString()
        .contains("no execution 'leak' of perf:memory");
    assertThat(problems("./mvnw -B verfy")).singleElement().asString().contains("neither a lifecycle phase");
    assertThat(problems("./mvnw -B -o verify")).singleElement().asString().contains("option -o");
    assertThatThrownBy(() -> MavenLine.parse("t.yml", "j", "s", "cd app && ./mvnw -B verify", ANY))
        .hasMessageContaining("must start its line");
    assertThatThrownBy(() -> MavenLine.parse("t.yml", "j", "s", "./mvnw -B verify -Dimage.to=${{ env.X }}", e -> null))
        .hasMessageContaining("no local value for the expression ${{ env.X }}");
    // and the lines that are right pass: a phase brings the goals the POM binds, with their flags
    assertThat(problems("./mvnw -B -ntp verify -Dimage.skip=true -Dperf.comment=true -DskipTests")).isEmpty();
  }

  private static List<String> problems(String line) {
    return check.problems(MavenLine.of("test.yml", "job", "step", line, ANY));
  }

  @Test
  void theDeployJobsFindWhatPublishHandsOnWhereTheDeployGoalsReadIt() throws Exception {
    Workflow cd = template("cd.yml");
    List<String> uploaded = Workflow.uses(cd.jobs().get("publish"), "actions/upload-artifact").stream()
        .filter(s -> s.path("with").path("name").asText().equals("slipway"))
        .flatMap(s -> s.path("with").path("path").asText().lines()).map(String::strip).toList();
    PluginDescriptors descriptors = PluginDescriptors.load();
    for (String goal : List.of("deploy:ecs", "deploy:release")) {
      for (String parameter : List.of("imageJson", "verifiedJson", "scanJson")) {
        String file = descriptors.goal(goal).defaults().get(parameter)
            .replace("${project.build.directory}", "target");
        assertThat(uploaded).as(goal + " reads " + parameter + " from " + file)
            .anyMatch(p -> p.equals(file) || p.endsWith("/") && file.startsWith(p));
      }
    }
    // (that image:scan writes scan.json where deploy:ecs reads it, WorkflowTemplatesIT checks on a real build)
  }

  @Test
  void permissionsAreTheLeastEachJobNeeds() {
    for (Workflow w : templates) {
      assertThat(WorkflowRules.permissions(w)).as(w.name()).isEmpty();
    }
    // id-token only where signing or AWS needs it
    assertThat(WorkflowRules.neededWrites(template("cd.yml"), "publish", template("cd.yml").jobs().get("publish")))
        .containsKeys("id-token", "packages").doesNotContainKey("contents");
    assertThat(template("ci.yml").jobs().values()).noneMatch(j -> j.path("permissions").has("id-token"));
    assertThat(template("performance.yml").jobs().values()).noneMatch(j -> j.has("permissions"));

    Workflow extra = template("ci.yml").copy();
    ((ObjectNode) extra.root().path("jobs").path("perf-gate").path("permissions")).put("id-token", "write");
    assertThat(WorkflowRules.permissions(extra)).singleElement().asString()
        .contains("job perf-gate: id-token: write is granted but nothing in the job needs it");
    Workflow missing = template("ci.yml").copy();
    ((ObjectNode) missing.root().path("jobs").path("build").path("permissions")).remove("security-events");
    assertThat(WorkflowRules.permissions(missing)).singleElement().asString()
        .contains("job build: needs security-events: write");
    Workflow broad = template("performance.yml").copy();
    ((ObjectNode) broad.root()).put("permissions", "write-all");
    assertThat(WorkflowRules.permissions(broad)).isNotEmpty();
    Workflow deployWithRelease = template("cd.yml").copy();
    JsonNode deployStep = Workflow.steps(deployWithRelease.jobs().get("deploy-production")).stream()
        .filter(s -> s.path("run").asText().contains("deploy:ecs")).findFirst().orElseThrow();
    ((ObjectNode) deployStep).put("run", deployStep.path("run").asText().replace(" -Ddeploy.release=false", ""));
    assertThat(WorkflowRules.permissions(deployWithRelease)).singleElement().asString()
        .contains("job deploy-production: needs contents: write");
  }

  @Test
  void artifactsAreKeptAsLongAsTheOldPipelineKeptThem() {
    List<Integer> sbom = new ArrayList<>();
    List<Integer> perf = new ArrayList<>();
    List<Integer> memory = new ArrayList<>();
    for (Workflow w : templates) {
      assertThat(WorkflowRules.retention(w)).as(w.name()).isEmpty();
      w.jobs().values().forEach(job -> Workflow.uses(job, "actions/upload-artifact").forEach(s -> {
        String path = s.path("with").path("path").asText();
        int days = s.path("with").path("retention-days").asInt();
        (path.contains("/sbom") && !path.contains("\n") ? sbom
            : path.contains("/perf/memory") ? memory : path.contains("/perf") ? perf : new ArrayList<Integer>())
            .add(days);
      }));
    }
    assertThat(sbom).hasSize(2).containsOnly(90);
    assertThat(perf).hasSize(3).containsOnly(30);
    assertThat(memory).containsExactly(7);

    Workflow shorter = template("performance.yml").copy();
    JsonNode upload = Workflow.uses(shorter.jobs().get("memory"), "actions/upload-artifact").get(0);
    ((ObjectNode) upload.path("with")).put("retention-days", 30);
    assertThat(WorkflowRules.retention(shorter)).singleElement().asString()
        .contains("artifact memory-reports: kept 30 days, the old pipeline kept it 7");
    ((ObjectNode) upload.path("with")).remove("retention-days");
    assertThat(WorkflowRules.retention(shorter)).singleElement().asString().contains("no retention-days");
  }

  @Test
  void deploymentsQueuePerEnvironmentAndProductionWaitsForATagAndApproval() {
    Workflow cd = template("cd.yml");
    assertThat(WorkflowRules.environments(cd)).isEmpty();
    assertThat(cd.jobs().get("deploy-staging").path("environment").asText()).isEqualTo("staging");
    assertThat(cd.jobs().get("deploy-staging").path("if").asText()).isEqualTo("github.ref == 'refs/heads/main'");
    assertThat(cd.jobs().get("deploy-production").path("environment").asText()).isEqualTo("production");
    assertThat(cd.jobs().get("deploy-production").path("if").asText())
        .isEqualTo("startsWith(github.ref, 'refs/tags/v')");
    assertThat(cd.root().path("on").path("push").path("tags").get(0).asText()).isEqualTo("v*.*.*");
    assertThat(cd.jobs().get("release").path("needs").asText()).isEqualTo("deploy-production");

    Workflow shared = cd.copy();
    ((ObjectNode) shared.jobs().get("deploy-production").path("concurrency")).put("group", "deploy");
    ((ObjectNode) shared.jobs().get("deploy-staging").path("concurrency")).put("cancel-in-progress", true);
    assertThat(WorkflowRules.environments(shared)).hasSize(2)
        .anyMatch(p -> p.contains("environment production without a concurrency group of its own (deploy)"))
        .anyMatch(p -> p.contains("deploy-staging: a deployment to staging must not be cancelled"));
  }

  @Test
  void theStressTestAndTheMemoryWatchRunDailyAt2AmUtc() {
    Workflow perf = template("performance.yml");
    assertThat(perf.root().path("on").path("schedule").get(0).path("cron").asText()).isEqualTo("0 2 * * *");
    for (String job : List.of("memory", "stress")) {
      String condition = perf.jobs().get(job).path("if").asText();
      assertThat(condition).as(job).contains("github.event_name != 'push'");
    }
    assertThat(perf.mavenLines("stress", ANY)).singleElement().satisfies(l ->
        assertThat(l.tasks()).contains("perf:stress@stress"));
    assertThat(perf.mavenLines("memory", ANY)).singleElement().satisfies(l ->
        assertThat(l.tasks()).contains("perf:memory@memory"));
    assertThat(perf.mavenLines("baseline", ANY)).singleElement().satisfies(l ->
        assertThat(l.tasks()).containsExactly("verify", "perf:baseline"));
  }

  @Test
  void theProjectsOwnWorkflowRunsCiRun() throws Exception {
    Workflow own = Workflow.read(root.resolve(".github/workflows/ci.yml"));
    List<String> runs = new ArrayList<>();
    own.jobs().values().forEach(j -> Workflow.steps(j).forEach(s -> runs.add(s.path("run").asText(""))));
    assertThat(runs).anyMatch(r -> r.strip().endsWith("bash .ci/run"));
    assertThat(WorkflowRules.scopes(own.root().path("permissions"))).isEqualTo(Map.of("contents", "read"));
    assertThat(Files.isRegularFile(root.resolve(".ci/run"))).isTrue();
  }
}
