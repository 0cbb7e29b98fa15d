package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which environment a build means, from every place one can be named: {@code -Denv}, {@code -Ddeploy.env}, a profile
 * that sets {@code deploy.env} (such as {@code -Pstaging} or {@code -Penv=staging}), a requested profile id of the
 * form {@code env=NAME} (Maven 3.9 passes {@code -Penv=staging} on even when no such profile exists; Maven 4 writes
 * it {@code -P env=staging}), or the plugin's {@code <env>}. Two places naming different environments are a
 * contradiction and refused, never silently resolved.
 */
public final class EnvironmentChoice {
  /** One place an environment was named: where (for messages) and the name. */
  public record Source(String where, String name) {}

  private EnvironmentChoice() {}

  /** The profile id Maven users write for an environment: {@code env=staging} names {@code staging}. */
  public static String fromProfileId(String profileId) {
    if (profileId == null) {
      return null;
    }
    String id = profileId.strip();
    if (id.startsWith("+") || id.startsWith("?")) {
      id = id.substring(1);
    }
    return id.startsWith("env=") && id.length() > 4 ? id.substring(4).strip() : null;
  }

  /**
   * The environment named by {@code sources} (blank names ignored), or null when none is; refuses two different names.
   */
  public static String decide(List<Source> sources) throws InvalidInputException {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (Source s : sources) {
      if (s.name() != null && !s.name().isBlank()) {
        byName.computeIfAbsent(s.name().strip(), k -> new ArrayList<>()).add(s.where());
      }
    }
    if (byName.size() > 1) {
      List<String> parts = new ArrayList<>();
      byName.forEach((name, where) -> parts.add("'" + name + "' by " + String.join(" and ", where)));
      throw new InvalidInputException("the build names two environments: " + String.join("; ", parts)
          + ". Choose one (e.g. only -Penv=staging, or only -Denv=production); nothing was deployed");
    }
    return byName.isEmpty() ? null : byName.keySet().iterator().next();
  }
}
