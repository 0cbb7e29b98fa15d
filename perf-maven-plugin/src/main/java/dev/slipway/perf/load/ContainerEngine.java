package dev.slipway.perf.load;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

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
  Container run(String image, Map<String, String> environment, Path logFile) throws ContainerException;

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
