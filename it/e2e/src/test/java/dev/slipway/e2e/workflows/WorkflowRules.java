package dev.slipway.e2e.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The house rules for workflow templates, as checks that return what breaks them:
 * <ul>
 *   <li>least privilege: the workflow grants {@code contents: read} only; a job adds a write scope only for what it
 *       does — {@code id-token} to sign (image:sign) or to assume an AWS role, {@code security-events} to upload
 *       SARIF, {@code pull-requests} for perf:compare's comment, {@code contents} for deploy:release,
 *       {@code packages} to push the image — and every such job has it;</li>
 *   <li>artifact retention as the old pipeline kept it: SBOM 90 days, performance results 30, memory reports 7;
 *       every upload says how long;</li>
 *   <li>a job deploying to an environment runs alone per environment (its own concurrency group, never cancelled
 *       halfway).</li>
 * </ul>
 */
final class WorkflowRules {
  private WorkflowRules() {}

  /** The rules look at goals and flags only, so every expression may stand for anything. */
  private static final UnaryOperator<String> PLACEHOLDER = e -> "x";

  /** Problems with permissions, for the whole workflow. */
  static List<String> permissions(Workflow w) {
    List<String> problems = new ArrayList<>();
    Map<String, String> top = scopes(w.root().path("permissions"));
    if (!top.equals(Map.of("contents", "read"))) {
      problems.add(w.name() + ": the workflow's permissions must be exactly {contents: read}, not " + top);
    }
    for (Map.Entry<String, JsonNode> job : w.jobs().entrySet()) {
      Map<String, String> granted = job.getValue().has("permissions")
          ? scopes(job.getValue().path("permissions")) : top;
      Map<String, String> needed = neededWrites(w, job.getKey(), job.getValue());
      for (Map.Entry<String, String> g : granted.entrySet()) {
        if (g.getValue().equals("write") && !needed.containsKey(g.getKey())) {
          problems.add(w.name() + " job " + job.getKey() + ": " + g.getKey() + ": write is granted but nothing in "
              + "the job needs it");
        }
      }
      for (Map.Entry<String, String> n : needed.entrySet()) {
        if (!"write".equals(granted.get(n.getKey()))) {
          problems.add(w.name() + " job " + job.getKey() + ": needs " + n.getKey() + ": write (" + n.getValue() + ")");
        }
      }
    }
    return problems;
  }

  /** The write scopes a job needs, each with the reason. */
  static Map<String, String> neededWrites(Workflow w, String id, JsonNode job) {
    Map<String, String> needed = new LinkedHashMap<>();
    List<MavenLine> lines = w.mavenLines(id, PLACEHOLDER);
    if (lines.stream().anyMatch(l -> l.tasks().stream().anyMatch(t -> t.startsWith("image:sign")))) {
      needed.put("id-token", "image:sign signs keyless with the workflow's OIDC token");
    }
    if (!Workflow.uses(job, "aws-actions/configure-aws-credentials").isEmpty()) {
      needed.put("id-token", "the AWS role is assumed with the workflow's OIDC token");
    }
    if (!Workflow.uses(job, "github/codeql-action/upload-sarif").isEmpty()) {
      needed.put("security-events", "the SARIF upload to code scanning");
    }
    if (lines.stream().anyMatch(l -> "true".equals(l.properties().get("perf.comment")))) {
      needed.put("pull-requests", "perf:compare comments on the pull request");
    }
    if (lines.stream().anyMatch(l -> l.tasks().stream().anyMatch(t -> t.startsWith("deploy:release"))
        || l.tasks().contains("deploy:ecs") && l.profiles().stream().anyMatch(p -> p.contains("production"))
            && !"false".equals(l.properties().get("deploy.release")))) {
      needed.put("contents", "the GitHub release");
    }
    if (lines.stream().anyMatch(l -> l.properties().containsKey("image.to"))) {
      needed.put("packages", "image:build pushes to the registry");
    }
    return needed;
  }

  /** {@code permissions:} as scope → level; {@code read-all}/{@code write-all} spelled out as one pseudo scope. */
  static Map<String, String> scopes(JsonNode permissions) {
    Map<String, String> scopes = new LinkedHashMap<>();
    if (permissions.isTextual()) {
      scopes.put("*", permissions.asText().replace("-all", ""));
    }
    for (Map.Entry<String, JsonNode> e : permissions.properties()) {
      scopes.put(e.getKey(), e.getValue().asText());
    }
    return scopes;
  }

  /** How long an artifact with these paths must be kept, when the old pipeline said so. */
  static Optional<Integer> expectedRetention(String paths) {
    List<String> each = paths.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (!each.isEmpty() && each.stream().allMatch(p -> p.contains("/sbom"))) {
      return Optional.of(90);
    }
    if (!each.isEmpty() && each.stream().allMatch(p -> p.contains("/perf/memory"))) {
      return Optional.of(7);
    }
    if (!each.isEmpty() && each.stream().allMatch(p -> p.contains("/perf"))) {
      return Optional.of(30);
    }
    return Optional.empty();
  }

  /** Problems with artifact retention. */
  static List<String> retention(Workflow w) {
    List<String> problems = new ArrayList<>();
    w.jobs().forEach((id, job) -> {
      for (JsonNode step : Workflow.uses(job, "actions/upload-artifact")) {
        String name = step.path("with").path("name").asText("?");
        JsonNode days = step.path("with").path("retention-days");
        if (!days.canConvertToInt()) {
          problems.add(w.name() + " job " + id + " artifact " + name + ": no retention-days");
          continue;
        }
        int d = days.asInt(-1);
        expectedRetention(step.path("with").path("path").asText()).ifPresent(expected -> {
          if (d != expected) {
            problems.add(w.name() + " job " + id + " artifact " + name + ": kept " + d + " days, the old pipeline "
                + "kept it " + expected);
          }
        });
      }
    });
    return problems;
  }

  /** Problems with deployments: each environment's jobs in their own concurrency group, never cancelled. */
  static List<String> environments(Workflow w) {
    List<String> problems = new ArrayList<>();
    w.jobs().forEach((id, job) -> {
      if (!job.has("environment")) {
        return;
      }
      String env = job.path("environment").isTextual() ? job.path("environment").asText()
          : job.path("environment").path("name").asText();
      JsonNode c = job.path("concurrency");
      String group = c.isTextual() ? c.asText() : c.path("group").asText("");
      if (!group.contains(env)) {
        problems.add(w.name() + " job " + id + ": environment " + env + " without a concurrency group of its own ("
            + (group.isEmpty() ? "none" : group) + ")");
      }
      if (c.path("cancel-in-progress").asBoolean(false)) {
        problems.add(w.name() + " job " + id + ": a deployment to " + env + " must not be cancelled by the next one "
            + "(cancel-in-progress: false)");
      }
    });
    return problems;
  }
}
