package dev.slipway.perf.load;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.RemoteDockerImage;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ResourceReaper;

/**
 * {@link ContainerEngine} over the Docker Engine API, found the way Testcontainers finds it ({@code DOCKER_HOST},
 * {@code ~/.testcontainers.properties}, the usual sockets): Docker, or podman's {@code podman system service}. The
 * same discovery as {@code image:scan}'s container engine. Testcontainers pulls the image (with the registry
 * credentials Docker's config holds); the container itself is created, watched and removed with the Docker client
 * directly, since a service under load is no test container: it must not be waited for, and its exit is an answer.
 */
public final class DockerApiEngine implements ContainerEngine {
  /** Label on the containers this engine starts. */
  static final String LABEL = "dev.slipway.perf";

  private DockerClient client() throws ContainerException {
    try {
      return DockerClientFactory.instance().client();
    } catch (RuntimeException | LinkageError e) {
      throw new ContainerException("no Docker API endpoint answers (DOCKER_HOST, /var/run/docker.sock; podman serves "
          + "one with `podman system service`): " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    try {
      client();
      return "the Docker API at " + DockerClientFactory.instance().getTransportConfig().getDockerHost();
    } catch (ContainerException | RuntimeException e) {
      return "the Docker API";
    }
  }

  @Override
  public Container run(String image, Map<String, String> environment, Path logFile, Options options)
      throws ContainerException {
    DockerClient docker = client();
    String resolved;
    try {
      resolved = new RemoteDockerImage(DockerImageName.parse(image)).get();
    } catch (RuntimeException e) {
      throw new ContainerException("cannot pull " + image + ": " + causes(e), e);
    }
    Map<String, String> merged = new LinkedHashMap<>(environment);
    if (!options.appendToImage().isEmpty()) {
      Map<String, String> own = imageEnvironment(docker, resolved);
      for (String name : options.appendToImage()) {
        String mine = own.get(name);
        if (mine != null && !mine.isBlank() && merged.containsKey(name)) {
          merged.put(name, mine + " " + merged.get(name));
        }
      }
    }
    List<String> env = new ArrayList<>();
    merged.forEach((k, v) -> env.add(k + "=" + v));
    List<Bind> binds = new ArrayList<>();
    options.binds().forEach((host, inside) -> binds.add(new Bind(host.toAbsolutePath().toString(),
        new Volume(inside))));
    String id;
    try {
      id = docker.createContainerCmd(resolved).withEnv(env).withLabels(Map.of(LABEL, "service"))
          .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host").withBinds(binds)).exec().getId();
    } catch (RuntimeException e) {
      throw new ContainerException("cannot create a container of " + image + ": " + causes(e), e);
    }
    DockerContainer c = new DockerContainer(docker, id);
    try {
      docker.startContainerCmd(id).exec();
      c.follow(logFile);
    } catch (RuntimeException | IOException e) {
      try {
        c.remove(0);
      } catch (ContainerException ignored) {
        // the start failed already: that is the error to report
      }
      throw new ContainerException("cannot start the container of " + image + ": " + causes(e), e);
    }
    return c;
  }

  /** The image's own environment (its config's {@code Env}), by variable name. */
  private static Map<String, String> imageEnvironment(DockerClient docker, String image) throws ContainerException {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      ContainerConfig config = docker.inspectImageCmd(image).exec().getConfig();
      String[] env = config == null ? null : config.getEnv();
      for (String e : env == null ? new String[0] : env) {
        int eq = e.indexOf('=');
        if (eq > 0) {
          out.put(e.substring(0, eq), e.substring(eq + 1));
        }
      }
    } catch (RuntimeException e) {
      throw new ContainerException("cannot inspect the image " + image + ": " + causes(e), e);
    }
    return out;
  }

  private static String causes(Throwable e) {
    StringBuilder why = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !why.toString().contains(t.getMessage())) {
        why.append(why.length() == 0 ? "" : ": ").append(t.getMessage());
      }
    }
    return why.length() == 0 ? e.getClass().getSimpleName() : why.toString();
  }

  private static final class DockerContainer implements Container {
    private final DockerClient docker;
    private final String id;
    private ResultCallback.Adapter<Frame> logs;

    DockerContainer(DockerClient docker, String id) {
      this.docker = docker;
      this.id = id;
    }

    /** Appends the container's output to {@code file} as it comes, until the container ends. */
    void follow(Path file) throws IOException {
      OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      logs = docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
          .exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
              try {
                out.write(frame.getPayload());
                out.flush();
              } catch (IOException e) {
                // the log file went away: the container runs on
              }
            }

            @Override
            public void close() throws IOException {
              super.close();
              out.close();
            }
          });
    }

    @Override
    public String id() {
      return id;
    }

    private InspectContainerResponse.ContainerState state() throws ContainerException {
      try {
        return docker.inspectContainerCmd(id).exec().getState();
      } catch (RuntimeException e) {
        throw new ContainerException("cannot inspect container " + id + ": " + causes(e), e);
      }
    }

    @Override
    public OptionalLong exitCode() throws ContainerException {
      InspectContainerResponse.ContainerState s = state();
      if (Boolean.TRUE.equals(s.getRunning()) || s.getExitCodeLong() == null
          || "created".equals(s.getStatus())) {
        return OptionalLong.empty();
      }
      // The output stream ends a moment after the container: wait for it, so that whoever reports this exit finds
      // the container's last lines in the log file (they are usually the reason it exited).
      awaitOutput();
      return OptionalLong.of(s.getExitCodeLong());
    }

    private void awaitOutput() {
      if (logs == null) {
        return;
      }
      try {
        logs.awaitCompletion(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public long hostPid() throws ContainerException {
      Long pid = state().getPidLong();
      return pid == null ? 0 : pid;
    }

    @Override
    public void remove(int graceSeconds) throws ContainerException {
      try {
        try {
          docker.stopContainerCmd(id).withTimeout(graceSeconds).exec();
        } catch (NotFoundException gone) {
          return;
        } catch (RuntimeException alreadyStopped) {
          // not running (any more): remove it all the same
        }
        if (logs != null) {
          awaitOutput();
          try {
            logs.close();
          } catch (IOException e) {
            // the output is complete or lost either way
          }
        }
        docker.removeContainerCmd(id).withForce(true).exec();
      } catch (NotFoundException gone) {
        // removed already
      } catch (RuntimeException e) {
        throw new ContainerException("cannot remove container " + id + ": " + causes(e), e);
      } finally {
        cleanUpNow();
      }
    }
  }

  /**
   * Runs Testcontainers' session clean-up now, while the plugin's class realm is open. Without Ryuk it leaves a JVM
   * shutdown hook that prunes what the session made; at JVM exit Maven has closed the realm and the hook died with a
   * NoClassDefFoundError printed into the build's output. Run once here, the classes it needs are loaded, and the
   * hook's second run finds nothing left to remove.
   */
  private static void cleanUpNow() {
    try {
      ResourceReaper.instance().performCleanup();
    } catch (RuntimeException | LinkageError e) {
      // best effort: the container itself is removed above
    }
  }
}
