package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real container runtime for tests: Debian's podman with runc, serving the Docker Engine API on a socket in a
 * temporary directory ({@code podman system service}). Register it with
 * {@code @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();}, then either start containers
 * with {@link #container(String)} or use Testcontainers as usual. A missing podman (or runc) fails the test with the
 * Debian package to install; it never skips.
 *
 * <p><b>Configuration, never /etc.</b> The kit writes its own containers.conf (runc, cgroupfs, no default ulimits:
 * what this kind of machine needs), a registries.conf that marks every registry on 127.0.0.1 and localhost insecure
 * (the {@link LocalRegistry} speaks plain HTTP) and searches no public registry, and a storage.conf whose image and
 * container storage lies in the same temporary directory. podman finds them through {@code CONTAINERS_CONF},
 * {@code CONTAINERS_REGISTRIES_CONF} and {@code CONTAINERS_STORAGE_CONF}: {@link #environment()} holds these and
 * {@code DOCKER_HOST}, so a forked process (a Maven build run with {@link MavenRun#env(Map)}, the podman CLI, a
 * service under test) reaches the very same runtime.
 *
 * <p><b>Lifetime.</b> The service is one per JVM (Testcontainers keeps the first Docker client it finds for the
 * whole JVM, so a second socket would never be used): the first {@link #start()} starts it, and it stops when the
 * JUnit run ends (or the JVM exits), after removing every container in its storage by id and deleting the
 * directory. Each {@code PodmanRuntime} removes the containers it started itself when its test class ends
 * ({@link #close()}). Images pulled stay until the end of the run, so later classes of the same JVM reuse them.
 *
 * <p><b>Testcontainers</b> gets the socket without any {@code DOCKER_HOST} in the test JVM's environment: the kit
 * registers {@link PodmanClientProviderStrategy} (a {@code DockerClientProviderStrategy} found by Testcontainers'
 * ServiceLoader), which answers with this JVM's service while one runs. An explicit {@code DOCKER_HOST} or
 * {@code tc.host} still wins (Testcontainers tries those first). Ryuk, Testcontainers' reaper container, cannot be
 * pulled here and Testcontainers reads its switch only from the environment, so the test JVM needs
 * {@code TESTCONTAINERS_RYUK_DISABLED=true} (the Slipway parent POM sets it for surefire and failsafe): when
 * Testcontainers is on the class path and the variable is missing, {@link #start()} fails saying so. Containers
 * Testcontainers starts are closed by Testcontainers; any it leaves go with the service at the end of the run.
 */
public final class PodmanRuntime implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PodmanRuntime.class);
  /** The label on every container this kit starts, so one can tell them from Testcontainers' own. */
  public static final String LABEL = "dev.slipway.testkit";

  private final String command;
  private final List<String> started = new ArrayList<>();
  private PodmanService service;

  private PodmanRuntime(String command) {
    this.command = command;
  }

  public static PodmanRuntime create() {
    return new PodmanRuntime("podman");
  }

  /** A runtime driving another podman program (a path or a name on the PATH); for tests of the kit itself. */
  static PodmanRuntime using(String command) {
    return new PodmanRuntime(command);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
    // the service outlives this class: it is closed with the root context, when the whole test run ends
    context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(PodmanService.class, k -> new SharedService(),
        SharedService.class);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Starts the JVM's podman service, or joins it when it runs already. */
  public synchronized PodmanRuntime start() throws IOException, InterruptedException {
    if (service == null) {
      Path binary = Tools.require(command, "podman");
      Tools.require("runc", "runc");
      requireRyukDisabledForTestcontainers();
      service = PodmanService.shared(binary);
    }
    return this;
  }

  /** {@code unix:///…/podman.sock}: the Docker Engine API of the service. */
  public String dockerHost() {
    return service().dockerHost();
  }

  /** The service's socket. */
  public Path socket() {
    return service().socket();
  }

  /**
   * What a child process needs to use this runtime: {@code DOCKER_HOST}, {@code TESTCONTAINERS_RYUK_DISABLED=true}
   * and the three {@code CONTAINERS_*} variables naming the kit's configuration (so {@code podman} itself, run by
   * that process, uses the same storage and registries). Pass it to {@link MavenRun#env(Map)} or a ProcessBuilder.
   */
  public Map<String, String> environment() {
    return service().environment();
  }

  /** A container of {@code image} (any reference podman pulls: {@code 127.0.0.1:PORT/repo@sha256:…}), to start. */
  public ContainerRequest container(String image) {
    return new ContainerRequest(this, image);
  }

  /**
   * Runs {@code podman ARGS} (import, build, images, inspect, …) against this runtime's storage and configuration
   * and returns what it printed on stdout; a non-zero exit fails with its stderr.
   */
  public String podman(String... args) throws IOException, InterruptedException {
    return service().podman(Duration.ofMinutes(10), List.of(args)).orThrow();
  }

  PodmanService service() {
    if (service == null) {
      throw new IllegalStateException("PodmanRuntime is not started: register it with @RegisterExtension or call start()");
    }
    return service;
  }

  synchronized RunningContainer started(String id, String image) {
    started.add(id);
    return new RunningContainer(this, id, image);
  }

  /** Removes (by id, running or not) every container this runtime started. The JVM's service keeps running. */
  @Override
  public synchronized void close() {
    if (service == null || started.isEmpty()) {
      return;
    }
    try {
      service.remove(List.copyOf(started));
      started.clear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void requireRyukDisabledForTestcontainers() {
    boolean testcontainers;
    try {
      Class.forName("org.testcontainers.DockerClientFactory", false, PodmanRuntime.class.getClassLoader());
      testcontainers = true;
    } catch (ClassNotFoundException absent) {
      testcontainers = false;
    }
    if (testcontainers && !"true".equalsIgnoreCase(System.getenv(PodmanService.RYUK_DISABLED))) {
      throw new IllegalStateException("Testcontainers is on the class path but " + PodmanService.RYUK_DISABLED
          + "=true is not in this JVM's environment: its reaper image cannot be pulled, and Testcontainers reads the"
          + " switch only from the environment. Set it in the surefire/failsafe <environmentVariables> (the Slipway"
          + " parent POM does).");
    }
  }

  /** Stops the JVM's service when the JUnit run ends (values of the root store are closed then). */
  private static final class SharedService implements AutoCloseable {
    @Override
    public void close() {
      PodmanService.closeShared();
    }
  }
}
