package dev.slipway.image.scan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Picks the Trivy engine: {@code container} wherever a Docker API endpoint answers, else {@code binary} (a trivy
 * executable on the PATH); an explicitly configured executable ({@code image.scan.trivy}) means binary. With a
 * server configured, the chosen engine is a client of it.
 */
public final class Engines {
  private Engines() {}

  /**
   * Whether a Docker API endpoint answers: a quick look for the places Testcontainers finds one (so a machine
   * without Docker does not wait on, or log, Testcontainers' failed search), then Testcontainers' own check.
   */
  public static BooleanSupplier dockerProbe(Map<String, String> env, Path home) {
    return () -> {
      boolean candidate = env.containsKey("DOCKER_HOST")
          || Files.isRegularFile(home.resolve(".testcontainers.properties"))
          || List.of(Path.of("/var/run/docker.sock"), home.resolve(".docker/run/docker.sock"),
              home.resolve(".docker/desktop/docker.sock"), home.resolve(".colima/default/docker.sock"),
              home.resolve(".rd/docker.sock")).stream().anyMatch(Files::exists)
          || (env.get("XDG_RUNTIME_DIR") != null && Files.exists(Path.of(env.get("XDG_RUNTIME_DIR"), "docker.sock")));
      if (!candidate) {
        return false;
      }
      try {
        return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
    };
  }

  /** The engine {@code config} asks for, given whether Docker answers and the PATH. */
  public static Trivy select(ScanConfig config, BooleanSupplier dockerAnswers, String path) throws ScanException {
    Trivy chosen = switch (config.engine()) {
      case CONTAINER -> new ContainerTrivy(config.trivyImage());
      case BINARY -> binary(config, path, "image.scan.engine=binary needs a trivy executable");
      case AUTO, SERVER -> {
        if (config.trivyBinary() != null) {
          yield new BinaryTrivy(config.trivyBinary());
        }
        if (dockerAnswers.getAsBoolean()) {
          yield new ContainerTrivy(config.trivyImage());
        }
        yield binary(config, path, "no Docker API endpoint answers (DOCKER_HOST, /var/run/docker.sock) for the "
            + "container engine, and there is no trivy executable for the binary engine");
      }
    };
    return config.server() == null ? chosen
        : new ServerTrivy(chosen, config.server(), config.token(), config.tokenHeader());
  }

  private static Trivy binary(ScanConfig config, String path, String problem) throws ScanException {
    Path trivy = BinaryTrivy.locate(config.trivyBinary(), path);
    if (trivy == null) {
      throw new ScanException(problem + ": install Trivy (https://trivy.dev) on the PATH, set image.scan.trivy to "
          + "its path, or make a Docker API endpoint available for image.scan.engine=container");
    }
    return new BinaryTrivy(trivy);
  }
}
