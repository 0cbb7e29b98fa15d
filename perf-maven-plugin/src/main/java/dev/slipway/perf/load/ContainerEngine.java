package dev.slipway.perf.load;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The container engine {@code perf.start=image} runs the built image on: the one outside system of
 * {@link ServiceContainer}. Its implementation ({@link DockerApiEngine}) speaks the Docker Engine API (Docker, or
 * podman's service) through Testcontainers.
 */
public interface ContainerEngine {
  /**
   * Pulls {@code image} when missing and starts it on the host's network with {@code environment}, its output
   * (stdout and stderr) appended to {@code logFile} while it runs.
   */
  default Container run(String image, Map<String, String> environment, Path logFile) throws ContainerException {
    return run(image, environment, logFile, Options.NONE);
  }

  /** {@link #run(String, Map, Path)} with bind mounts and environment variables added to the image's own. */
  Container run(String image, Map<String, String> environment, Path logFile, Options options)
      throws ContainerException;

  /**
   * What a run needs beyond the image and its environment.
   *
   * @param binds host directories mounted read-write into the container, host path to container path (e.g. a
   *     folder a heap dump written inside the container lands in)
   * @param appendToImage variables of {@code environment} that are appended (space-separated) to the image's own
   *     value of the same name instead of replacing it: {@code JDK_JAVA_OPTIONS} carrying a JMX agent must not drop
   *     the JVM options the image was built with
   */
  record Options(Map<Path, String> binds, Set<String> appendToImage) {
    public static final Options NONE = new Options(Map.of(), Set.of());

    public Options {
      binds = Map.copyOf(binds);
      appendToImage = Set.copyOf(appendToImage);
    }
  }

  /** Where the engine is, for log lines (e.g. the Docker host). */
  String describe();

  /** A started container. */
  interface Container {
    String id();

    /** Empty while it runs; its exit code once it exited. */
    OptionalLong exitCode() throws ContainerException;

    /** The host pid of its main process, when the engine reports one (0 or less: unknown). */
    long hostPid() throws ContainerException;

    /** Stops it (SIGTERM, SIGKILL after {@code graceSeconds}) and removes it. */
    void remove(int graceSeconds) throws ContainerException;
  }

  /** The engine could not be reached, or refused what was asked. */
  final class ContainerException extends Exception {
    public ContainerException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
