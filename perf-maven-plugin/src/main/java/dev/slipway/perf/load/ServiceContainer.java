package dev.slipway.perf.load;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.image.BuiltImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code perf.start=image}: the image {@code image:build} built, run as a container for the duration of a perf goal,
 * so the numbers belong to what ships (its JVM, flags, base image and user), not to a jar on the host. The image is
 * the one platform ({@code perf.imagePlatform}, linux/amd64) of what {@code target/slipway/image.json} names, pulled
 * by its digest from the registry {@code image:build} pushed it to; it runs on the host's network (Linux), so the
 * service listens on the loopback port its environment gives it, exactly like a forked jar. Its output goes to the
 * same log file, it counts as up when the health URL answers (from its own socket), and it is stopped and removed
 * when closed.
 */
public final class ServiceContainer implements StartedService {
  private static final int GRACE_SECONDS = 10;

  private final ContainerEngine.Container container;
  private final String image;
  private final Path logFile;
  private final Log log;
  private boolean closed;

  private ServiceContainer(ContainerEngine.Container container, String image, Path logFile, Log log) {
    this.container = container;
    this.image = image;
    this.logFile = logFile;
    this.log = log;
  }

  /**
   * The image to run: {@code perf.image} when given, else the {@code platform} manifest of the image
   * {@code image.json} describes, by digest. Fails naming the file when the image was not pushed or lacks the
   * platform.
   */
  public static String reference(ImageStart s) throws InvalidInputException {
    if (s.image() != null) {
      return s.image();
    }
    if (s.imageJson() == null || !Files.isRegularFile(s.imageJson())) {
      throw new InvalidInputException("perf.start=image runs the image image:build described in " + s.imageJson()
          + ", which does not exist: run image:build first (mvn package), or name an image with perf.image");
    }
    BuiltImage built = BuiltImage.read(s.imageJson());
    if (!built.pushed()) {
      throw new InvalidInputException("perf.start=image: " + s.imageJson() + " describes an image that was not pushed "
          + "(only the OCI layout " + built.layout() + " was written); perf.start=image pulls the image by digest "
          + "from its registry: push it (image.to=REGISTRY/NAME), or name an image with perf.image");
    }
    if (built.platforms().isEmpty()) {
      return built.repository() + "@" + built.digest();
    }
    for (BuiltImage.Platform p : built.platforms()) {
      if (p.name().equals(s.platform())) {
        return built.repository() + "@" + p.digest();
      }
    }
    throw new InvalidInputException("perf.imagePlatform = " + s.platform() + " is not a platform of the image in "
        + s.imageJson() + "; it has " + String.join(", ", built.platforms().stream().map(BuiltImage.Platform::name)
            .toList()));
  }

  /**
   * Runs {@code image} on {@code engine} with {@code environment} (after checking that {@code health}'s port is free)
   * and waits until {@code health} answers from it, at most {@code timeout}.
   */
  public static ServiceContainer start(ContainerEngine engine, String image, Map<String, String> environment,
      Path logFile, URI health, Duration timeout, Log log) throws ServiceStartException {
    return start(engine, image, environment, ContainerEngine.Options.NONE, logFile, health, timeout, log);
  }

  /** {@link #start(ContainerEngine, String, Map, Path, URI, Duration, Log)} with bind mounts and appended variables. */
  public static ServiceContainer start(ContainerEngine engine, String image, Map<String, String> environment,
      ContainerEngine.Options options, Path logFile, URI health, Duration timeout, Log log)
      throws ServiceStartException {
    Readiness.requireFreePort(health);
    ContainerEngine.Container c;
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Files.deleteIfExists(logFile);
      log.info("starting the image " + image + " on " + engine.describe() + " (host network; pulled when missing)");
      c = engine.run(image, environment, logFile, options);
    } catch (ContainerEngine.ContainerException | IOException e) {
      throw new ServiceStartException("perf.start=image: cannot run " + image + ": " + e.getMessage(), e);
    }
    ServiceContainer service = new ServiceContainer(c, image, logFile, log);
    log.info("started " + service.describe() + ", waiting up to " + LoadRunner.human(timeout) + " for " + health
        + "; its output goes to " + logFile);
    Readiness.await(service, health, timeout, log);
    return service;
  }

  @Override
  public String describe() {
    return "container " + container.id().substring(0, Math.min(12, container.id().length())) + " of " + image;
  }

  @Override
  public Optional<String> ended() {
    try {
      OptionalLong code = container.exitCode();
      return code.isPresent() ? Optional.of("exited with status " + code.getAsLong()) : Optional.empty();
    } catch (ContainerEngine.ContainerException e) {
      return Optional.of("cannot be inspected (" + e.getMessage() + ")");
    }
  }

  @Override
  public Set<Long> processes() {
    try {
      long pid = container.hostPid();
      return pid > 0 ? LocalPorts.tree(pid) : Set.of();
    } catch (ContainerEngine.ContainerException e) {
      return Set.of();
    }
  }

  @Override
  public String tail() {
    return StartedService.tailOf(logFile);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      container.remove(GRACE_SECONDS);
      log.info("stopped service (" + describe() + ")");
    } catch (ContainerEngine.ContainerException e) {
      log.warn("could not stop and remove " + describe() + ": " + e.getMessage());
    }
  }
}
