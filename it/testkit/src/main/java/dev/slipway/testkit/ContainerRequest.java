package dev.slipway.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container to start on a {@link PodmanRuntime}: {@code podman run --detach} of an image, on the host's network by
 * default (a service listening on 127.0.0.1:PORT inside answers on 127.0.0.1:PORT outside, with no bridge or port
 * mapping to set up), as the image's user. The image is pulled when missing; registries on loopback need no TLS.
 *
 * <pre>{@code
 * RunningContainer app = podman.container(registry.hostPort() + "/hello@" + digest)
 *     .platform("linux/arm64").env("PORT", "18081").start();
 * app.awaitHttp(URI.create("http://127.0.0.1:18081/health"), Duration.ofMinutes(2));
 * }</pre>
 */
public final class ContainerRequest {
  private final PodmanRuntime runtime;
  private final String image;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> options = new ArrayList<>();
  private final List<String> command = new ArrayList<>();
  private String platform;
  private String network = "host";
  private String user;
  private String entrypoint;

  ContainerRequest(PodmanRuntime runtime, String image) {
    this.runtime = runtime;
    this.image = image;
  }

  /** {@code os/arch} of the image to pull from an index, e.g. {@code linux/arm64} (run under QEMU emulation). */
  public ContainerRequest platform(String platform) {
    this.platform = platform;
    return this;
  }

  public ContainerRequest env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public ContainerRequest env(Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  /** podman's {@code --network} mode; {@code host} unless set. */
  public ContainerRequest network(String mode) {
    this.network = mode;
    return this;
  }

  /** Runs as this user ({@code uid[:gid]} or a name) instead of the image's. */
  public ContainerRequest user(String user) {
    this.user = user;
    return this;
  }

  /** Replaces the image's entrypoint (one program; its arguments go to {@link #command(String...)}). */
  public ContainerRequest entrypoint(String program) {
    this.entrypoint = program;
    return this;
  }

  /** The arguments after the image reference (the image's CMD, or the entrypoint's arguments). */
  public ContainerRequest command(String... args) {
    command.addAll(List.of(args));
    return this;
  }

  /** Any other {@code podman run} option, as separate words ({@code "--memory", "256m"}). */
  public ContainerRequest option(String... words) {
    options.addAll(List.of(words));
    return this;
  }

  /** {@code podman run --detach}; the container is removed when the runtime closes (or by its own close()). */
  public RunningContainer start() throws IOException, InterruptedException {
    // the id file names the container even when podman created it and then failed to start it
    Path idFile = Files.createTempFile(runtime.service().directory(), "container", ".id");
    Files.delete(idFile);
    List<String> args = new ArrayList<>(List.of("run", "--detach", "--pull=missing", "--tls-verify=false",
        "--cidfile=" + idFile, "--label", PodmanRuntime.LABEL + "=true", "--network", network));
    if (platform != null) {
      args.add("--platform=" + platform);
    }
    if (user != null) {
      args.add("--user=" + user);
    }
    if (entrypoint != null) {
      args.add("--entrypoint=" + entrypoint);
    }
    env.forEach((k, v) -> args.add("--env=" + k + "=" + v));
    args.addAll(options);
    args.add(image);
    args.addAll(command);
    // a pull of a JRE image from the loopback registry takes seconds, an emulated one no longer: minutes is plenty
    Command.Result run = runtime.service().podman(Duration.ofMinutes(10), args);
    String id = Files.exists(idFile) ? Files.readString(idFile).strip() : "";
    Files.deleteIfExists(idFile);
    if (!id.isEmpty()) {
      RunningContainer container = runtime.started(id, image);
      if (!run.ok()) {
        throw new IOException("podman run of " + image + " failed with exit code " + run.exitCode() + ": "
            + run.stderr().strip() + "\ncontainer output:\n" + container.logs());
      }
      return container;
    }
    run.orThrow();
    throw new IOException("podman run wrote no container id for " + image);
  }
}
