package dev.slipway.e2e.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * GitHub's own workflow parser, {@code @actions/workflow-parser} (pinned in {@code it/e2e/workflow-parser}, installed
 * by {@code .ci/setup.d/35-workflow-parser.sh}), run under Node through {@code check-workflows.mjs}: file → the
 * errors it reports (YAML, the workflow schema, expressions, cron syntax, job dependencies).
 */
final class GitHubWorkflowParser {
  private final Path dir;

  GitHubWorkflowParser(Path root) {
    this.dir = root.resolve("it/e2e/workflow-parser");
    if (!Files.isDirectory(dir.resolve("node_modules/@actions/workflow-parser"))) {
      throw new IllegalStateException("@actions/workflow-parser is not installed in " + dir
          + ": run bash .ci/setup.d/35-workflow-parser.sh");
    }
  }

  Map<Path, List<String>> errors(List<Path> files) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", "check-workflows.mjs"));
    files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
    Path err = Files.createTempFile("workflow-parser", ".err");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("the workflow parser did not finish in 60 s");
    }
    String stderr = Files.readString(err);
    Files.deleteIfExists(err);
    if (p.exitValue() > 1) {
      throw new IOException("the workflow parser failed (exit " + p.exitValue() + "): " + stderr + out);
    }
    Map<Path, List<String>> result = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) {
      JsonNode n = json.readTree(line);
      List<String> errors = new ArrayList<>();
      n.path("errors").forEach(e -> errors.add(e.asText()));
      result.put(Path.of(n.path("file").asText()), errors);
    }
    if (result.size() != files.size()) {
      throw new IOException("the workflow parser answered for " + result.size() + " of " + files.size()
          + " files: " + out + stderr);
    }
    if ((p.exitValue() == 1) == result.values().stream().allMatch(List::isEmpty)) {
      throw new IOException("the workflow parser's exit code " + p.exitValue() + " disagrees with its report: " + out);
    }
    return result;
  }
}
