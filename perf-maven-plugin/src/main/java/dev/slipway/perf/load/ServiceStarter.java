package dev.slipway.perf.load;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Starts what {@code perf.start} names, for a perf goal: {@code image} runs the built image as a container
 * ({@link ServiceContainer}); {@code jar}, a jar path or a command forks a process ({@link ServiceProcess}). Either
 * way the port of the health URL must be free first, and the service counts as up when the health URL answers from
 * the service itself. Its output goes to {@code service.log} in the output folder.
 */
public final class ServiceStarter {
  /** The {@code perf.start} value that runs the built image. */
  public static final String IMAGE = "image";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private ServiceStarter() {}

  /** Whether {@code start} asks for the built image. */
  public static boolean isImage(String start) {
    return start != null && start.trim().equals(IMAGE);
  }

  /**
   * Starts the service {@code s.start()} names with {@code extraEnvironment} laid over {@code s.startEnvironment()},
   * and waits until {@code health} answers from it.
   */
  public static StartedService start(LoadSettings s, URI health, Map<String, String> extraEnvironment, Log log)
      throws ServiceStartException, InvalidInputException {
    Duration timeout = s.startTimeout() == null ? DEFAULT_TIMEOUT : s.startTimeout();
    Path logFile = s.outputDir().resolve("service.log");
    Map<String, String> env = new java.util.LinkedHashMap<>(s.startEnvironment());
    env.putAll(extraEnvironment);
    if (isImage(s.start())) {
      String image = ServiceContainer.reference(s.image());
      return ServiceContainer.start(new DockerApiEngine(), image, env, logFile, health, timeout, log);
    }
    return ServiceProcess.start(ServiceProcess.command(s.start(), s.packagedJar()), env, s.workDir(), logFile,
        health, timeout, log);
  }
}
