package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import java.util.List;

/** Picks the environment a run targets, by name, from those configured. */
public final class Environments {
  private Environments() {}

  public static EnvironmentSpec select(List<EnvironmentSpec> configured, String name) throws InvalidInputException {
    List<String> known = configured.stream().map(EnvironmentSpec::name).toList();
    if (name == null || name.isBlank()) {
      if (configured.size() == 1) {
        return configured.get(0);
      }
      throw new InvalidInputException("no environment selected: pass -Penv=<name> (Maven 4: -P env=<name>) or "
          + "-Denv=<name>; configured: "
          + (known.isEmpty() ? "none (add <environments> to the plugin configuration)" : String.join(", ", known)));
    }
    return configured.stream().filter(e -> e.name().equals(name)).findFirst()
        .orElseThrow(() -> new InvalidInputException("unknown environment '" + name + "' (-Denv/deploy.env); "
            + "configured: " + (known.isEmpty() ? "none" : String.join(", ", known))));
  }
}
