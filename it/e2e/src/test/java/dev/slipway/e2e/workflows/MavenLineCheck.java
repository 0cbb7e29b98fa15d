package dev.slipway.e2e.workflows;

import dev.slipway.e2e.workflows.PluginDescriptors.Goal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a Maven line of a workflow against what really exists: every goal is one of Slipway's (by the plugin
 * descriptors), every {@code goal@id} an execution of the example's POM, every phase a lifecycle phase, every
 * {@code -P} a profile of the POM, and every {@code -D} a parameter property of a goal that runs in that build (named
 * on the line, or bound by the POM to a phase the line reaches), or a property the POM itself reads. Maven ignores
 * an unknown {@code -D} silently, which is why this check exists.
 */
final class MavenLineCheck {
  /** The default lifecycle, in order, plus clean. */
  static final List<String> PHASES = List.of("validate", "initialize", "generate-sources", "process-sources",
      "generate-resources", "process-resources", "compile", "process-classes", "generate-test-sources",
      "process-test-sources", "generate-test-resources", "process-test-resources", "test-compile",
      "process-test-classes", "test", "prepare-package", "package", "pre-integration-test", "integration-test",
      "post-integration-test", "verify", "install", "deploy");

  /**
   * Properties of Maven's own plugins that a CI line may set, with why: they are not in Slipway's descriptors.
   * Kept short on purpose; a template needing another one adds it here with its reason.
   */
  static final Map<String, String> MAVEN_PROPERTIES = Map.of(
      "skipTests", "maven-surefire-plugin / maven-failsafe-plugin: tests ran in an earlier job");

  private final PluginDescriptors descriptors;
  private final ExampleModel pom;

  MavenLineCheck(PluginDescriptors descriptors, ExampleModel pom) {
    this.descriptors = descriptors;
    this.pom = pom;
  }

  /** What is wrong with the line; empty when every goal, phase, profile and flag exists. */
  List<String> problems(MavenLine line) {
    List<String> problems = new ArrayList<>();
    Set<Goal> running = new LinkedHashSet<>();
    int lastPhase = -1;
    if (line.tasks().isEmpty()) {
      problems.add("no phase or goal");
    }
    for (String task : line.tasks()) {
      if (PHASES.contains(task)) {
        lastPhase = Math.max(lastPhase, PHASES.indexOf(task));
        continue;
      }
      if ("clean".equals(task)) {
        continue;
      }
      if (!task.contains(":")) {
        problems.add("'" + task + "' is neither a lifecycle phase nor a goal");
        continue;
      }
      Goal goal = descriptors.goal(task);
      if (goal == null) {
        problems.add("goal '" + task + "' does not exist in Slipway's plugins");
        continue;
      }
      if (task.contains("@")) {
        String id = task.substring(task.indexOf('@') + 1);
        boolean declared = pom.executions().stream().anyMatch(e -> e.plugin().equals(goal.plugin())
            && e.id().equals(id) && e.goals().contains(goal.name()));
        if (!declared) {
          problems.add("'" + task + "': the example's POM has no execution '" + id + "' of " + goal.qualified());
        }
      }
      running.add(goal);
    }
    // what the phases bring along: the POM's executions bound (explicitly or by the goal's default) up to lastPhase
    for (ExampleModel.Execution e : pom.executions()) {
      for (String g : e.goals()) {
        Goal goal = descriptors.goal(e.plugin(), g);
        if (goal == null) {
          problems.add("the example's POM binds " + e.plugin() + ":" + g + ", which does not exist");
          continue;
        }
        String phase = e.phase() != null ? e.phase() : goal.defaultPhase();
        if (phase != null && PHASES.contains(phase) && PHASES.indexOf(phase) <= lastPhase) {
          running.add(goal);
        }
      }
    }
    for (String profile : line.profiles()) {
      if (!pom.profiles().contains(profile)) {
        problems.add("-P" + profile + ": the example's POM has no such profile (it has " + pom.profiles() + ")");
      }
    }
    for (String property : line.properties().keySet()) {
      boolean known = running.stream().anyMatch(g -> g.properties().contains(property))
          || pom.properties().contains(property) || MAVEN_PROPERTIES.containsKey(property);
      if (!known) {
        problems.add("-D" + property + " is a parameter of none of the goals this line runs "
            + running.stream().map(Goal::qualified).toList() + " nor a property of the example's POM");
      }
    }
    for (String option : line.otherOptions()) {
      problems.add("option " + option + " is not one of " + MavenLine.PLAIN_OPTIONS);
    }
    return problems;
  }
}
