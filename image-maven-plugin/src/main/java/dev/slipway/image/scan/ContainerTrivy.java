package dev.slipway.image.scan;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ResourceReaper;

/**
 * Trivy's image run by Testcontainers on whatever Docker API endpoint it finds (Docker, Podman's service, a remote
 * daemon through {@code DOCKER_HOST}). Each command is one container: the input directory mounted read-only at
 * {@value #INPUT}, the persistent cache directory at {@value #CACHE} (so the DB is downloaded once per machine, not
 * per build), the report's directory at {@value #OUTPUT}; Trivy's output is streamed to the line consumer while
 * it runs; the container is removed afterwards. The image's entrypoint is {@code trivy}, so the command is Trivy's
 * arguments.
 *
 * <p>On a daemon running as root, the container runs as this build's user and group (with {@code HOME=/tmp}), so
 * the reports and cache files it writes can be deleted by {@code mvn clean}; a rootless daemon already maps its
 * root to this user and keeps the image's user.
 */
public final class ContainerTrivy implements Trivy {
  static final String INPUT = "/slipway/input";
  static final String CACHE = "/slipway/cache";
  static final String OUTPUT = "/slipway/output";

  private final String image;

  public ContainerTrivy(String image) {
    this.image = image;
  }

  @Override
  public int run(TrivyCommand command, Consumer<String> lines) throws IOException, ScanException {
    Files.createDirectories(command.cacheDir());
    Files.createDirectories(command.output().getParent());
    List<String> args = command.render(INPUT, CACHE, OUTPUT + "/" + command.output().getFileName());
    Map<String, String> env = new HashMap<>(command.env());
    String user = hostUser();
    if (user != null) {
      env.putIfAbsent("HOME", "/tmp");
    }
    LineSplitter splitter = new LineSplitter(lines);
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
        .withCommand(args.toArray(String[]::new))
        .withFileSystemBind(command.input().toAbsolutePath().toString(), INPUT, BindMode.READ_ONLY)
        .withFileSystemBind(command.cacheDir().toAbsolutePath().toString(), CACHE, BindMode.READ_WRITE)
        .withFileSystemBind(command.output().getParent().toAbsolutePath().toString(), OUTPUT, BindMode.READ_WRITE)
        .withEnv(env)
        .withLogConsumer(splitter)
        .withStartupCheckStrategy(new UntilExited().withTimeout(command.timeout()));
    if (user != null) {
      container.withCreateContainerCmdModifier(cmd -> cmd.withUser(user));
    }
    try {
      container.start();
      DockerClient client = container.getDockerClient();
      InspectContainerResponse.ContainerState state =
          client.inspectContainerCmd(container.getContainerId()).exec().getState();
      splitter.flush();
      Long exit = state.getExitCodeLong();
      if (Boolean.TRUE.equals(state.getRunning()) || exit == null) {
        throw new ScanException("Trivy (" + image + ") did not finish scanning " + command.label() + " within "
            + dev.slipway.common.Durations.format(command.timeout()) + " (image.scan.timeout)");
      }
      return exit.intValue();
    } catch (RuntimeException e) {
      splitter.flush();
      throw new ScanException(explain(e, command), e);
    } finally {
      container.stop();
      cleanUpNow();
    }
  }

  /**
   * Runs Testcontainers' session clean-up while the plugin's class realm is open: without Ryuk it leaves a JVM
   * shutdown hook that would run after Maven closed the realm and die with a NoClassDefFoundError in the build's
   * output. Run here first, the classes it needs are loaded and the hook finds nothing left.
   */
  private static void cleanUpNow() {
    try {
      ResourceReaper.instance().performCleanup();
    } catch (RuntimeException | LinkageError e) {
      // best effort: the container itself is stopped above
    }
  }

  private String explain(RuntimeException e, TrivyCommand command) {
    StringBuilder why = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !why.toString().contains(t.getMessage())) {
        why.append(why.length() == 0 ? "" : ": ").append(t.getMessage());
      }
    }
    String text = why.toString();
    if (text.contains("timed out") || text.contains("Timeout")) {
      return "Trivy (" + image + ") did not finish scanning " + command.label() + " within "
          + dev.slipway.common.Durations.format(command.timeout()) + " (image.scan.timeout): " + text;
    }
    return "cannot run Trivy's image " + image + " for " + command.label() + " (" + text + "): check that the "
        + "Docker API endpoint answers and the image can be pulled (image.scan.trivyImage may name a mirror of "
        + "aquasec/trivy), or use image.scan.engine=binary";
  }

  @Override
  public DbMetadata database(TrivyCommand lastCommand) throws IOException {
    return DbMetadata.readCache(lastCommand.cacheDir());
  }

  @Override
  public String describe() {
    return "container " + image;
  }

  /**
   * {@code uid:gid} of this build when the daemon runs as root and the build does not, so files written into the
   * mounts belong to the build's user; null otherwise (rootless daemons map their root to the build's user, and on
   * Windows and macOS Docker Desktop takes care of ownership).
   */
  private static String hostUser() {
    try {
      com.sun.security.auth.module.UnixSystem unix = new com.sun.security.auth.module.UnixSystem();
      if (unix.getUid() == 0) {
        return null;
      }
      var info = DockerClientFactory.instance().getInfo();
      String[] options = info.getSecurityOptions() == null ? new String[0]
          : info.getSecurityOptions().toArray(String[]::new);
      for (String option : options) {
        if (option.contains("rootless")) {
          return null;
        }
      }
      return unix.getUid() + ":" + unix.getGid();
    } catch (RuntimeException | LinkageError e) {
      return null; // not a Unix JVM
    }
  }

  /** Waits until the container has exited, whatever its exit code: the code is Trivy's answer, read afterwards. */
  static final class UntilExited extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
      InspectContainerResponse.ContainerState state = getCurrentState(dockerClient, containerId);
      return Boolean.TRUE.equals(state.getRunning()) ? StartupStatus.NOT_YET_KNOWN : StartupStatus.SUCCESSFUL;
    }
  }

  /** Docker's log stream comes in frames, not lines: reassembles lines before handing them on. */
  static final class LineSplitter implements Consumer<OutputFrame> {
    private final Consumer<String> lines;
    private final StringBuilder partial = new StringBuilder();

    LineSplitter(Consumer<String> lines) {
      this.lines = lines;
    }

    @Override
    public synchronized void accept(OutputFrame frame) {
      if (frame.getType() == OutputFrame.OutputType.END) {
        flush();
        return;
      }
      byte[] bytes = frame.getBytes();
      if (bytes == null) {
        return;
      }
      partial.append(new String(bytes, StandardCharsets.UTF_8));
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        String line = partial.substring(0, nl);
        partial.delete(0, nl + 1);
        lines.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      }
    }

    synchronized void flush() {
      if (partial.length() > 0) {
        lines.accept(partial.toString());
        partial.setLength(0);
      }
    }
  }
}
