package dev.slipway.e2e.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** A workflow file read as a tree, with the accessors the template tests need (jobs, steps, Maven lines). */
record Workflow(String name, Path file, JsonNode root) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Where the templates live: the site's resources, so the staged site serves them for download. */
  static Path templatesDir(Path root) {
    return root.resolve("src/site/resources/templates/github");
  }

  static List<Workflow> templates(Path root) throws IOException {
    try (Stream<Path> files = Files.list(templatesDir(root))) {
      List<Workflow> out = new ArrayList<>();
      for (Path p : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        out.add(read(p));
      }
      return out;
    }
  }

  static Workflow read(Path file) throws IOException {
    return new Workflow(file.getFileName().toString(), file, YAML.readTree(file.toFile()));
  }

  /** A copy whose tree a test may change (to show that a rule catches a broken template). */
  Workflow copy() {
    return new Workflow(name, file, root.deepCopy());
  }

  Map<String, JsonNode> jobs() {
    Map<String, JsonNode> jobs = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("jobs").properties()) {
      jobs.put(e.getKey(), e.getValue());
    }
    return jobs;
  }

  static List<JsonNode> steps(JsonNode job) {
    List<JsonNode> steps = new ArrayList<>();
    job.path("steps").forEach(steps::add);
    return steps;
  }

  /** The steps of a job that use an action ({@code owner/name[/path]@ref}), by the part before the {@code @}. */
  static List<JsonNode> uses(JsonNode job, String action) {
    return steps(job).stream().filter(s -> s.path("uses").asText("").startsWith(action + "@")).toList();
  }

  static String stepName(JsonNode step, int index) {
    return step.hasNonNull("name") ? step.path("name").asText()
        : step.hasNonNull("uses") ? step.path("uses").asText() : "step " + (index + 1);
  }

  /** Every Maven line of every job, expressions resolved by {@code resolver}. */
  List<MavenLine> mavenLines(UnaryOperator<String> resolver) {
    List<MavenLine> lines = new ArrayList<>();
    for (String job : jobs().keySet()) {
      lines.addAll(mavenLines(job, resolver));
    }
    return lines;
  }

  /** The Maven lines of one job (only its expressions need a value). */
  List<MavenLine> mavenLines(String job, UnaryOperator<String> resolver) {
    List<MavenLine> lines = new ArrayList<>();
    List<JsonNode> steps = steps(root.path("jobs").path(job));
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = steps.get(i);
      if (step.hasNonNull("run")) {
        lines.addAll(MavenLine.parse(name, job, stepName(step, i), step.path("run").asText(), resolver));
      }
    }
    return lines;
  }
}
