package dev.slipway.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A container a {@link PodmanRuntime} started: its logs, its state and exit code, commands run inside it, and a wait
 * for an HTTP endpoint that gives up as soon as the container exits (with its output in the message). Closing
 * removes it; the runtime removes it anyway when its test class ends.
 */
public final class RunningContainer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PodmanRuntime runtime;
  private final String id;
  private final String image;

  RunningContainer(PodmanRuntime runtime, String id, String image) {
    this.runtime = runtime;
    this.id = id;
    this.image = image;
  }

  /** The full container id. */
  public String id() {
    return id;
  }

  /** The image reference it was started from. */
  public String image() {
    return image;
  }

  /** What the container printed so far, stdout and stderr together. */
  public String logs() throws IOException, InterruptedException {
    Command.Result r = podman(Duration.ofMinutes(1), "logs", id);
    return r.orThrow() + r.stderr();
  }

  /** {@code podman inspect}: the container's state, config (labels, user, env) and image. */
  public JsonNode inspect() throws IOException, InterruptedException {
    return JSON.readTree(podman(Duration.ofMinutes(1), "container", "inspect", id).orThrow()).get(0);
  }

  public boolean running() throws IOException, InterruptedException {
    return inspect().path("State").path("Running").asBoolean();
  }

  /** The exit code once the container has exited; empty while it runs (or before it ran). */
  public OptionalInt exitCode() throws IOException, InterruptedException {
    JsonNode state = inspect().path("State");
    return "exited".equals(state.path("Status").asText()) ? OptionalInt.of(state.path("ExitCode").asInt())
        : OptionalInt.empty();
  }

  /** Waits for the container to exit and returns its exit code; fails after {@code timeout}. */
  public int awaitExit(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      OptionalInt code = exitCode();
      if (code.isPresent()) {
        return code.getAsInt();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("container " + shortId() + " of " + image + " still runs after " + timeout);
  }

  /** The outcome of a command run inside the container. */
  public record ExecResult(int exitCode, String stdout, String stderr) {}

  /** {@code podman exec}: runs a program inside the running container, as the container's user. */
  public ExecResult exec(String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("exec", id));
    args.addAll(List.of(command));
    Command.Result r = runtime.service().podman(Duration.ofMinutes(2), args);
    return new ExecResult(r.exitCode(), r.stdout(), r.stderr());
  }

  /**
   * Polls {@code url} until it answers with a 2xx status and returns that response. Fails at once if the container
   * exits meanwhile, and after {@code timeout} otherwise, both times with the container's output. A JVM under arm64
   * emulation takes several times longer to start than a native one: give such waits a minute or two.
   */
  public HttpResponse<String> awaitHttp(URI url, Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      OptionalInt exited = exitCode();
      if (exited.isPresent()) {
        throw new IllegalStateException("container " + shortId() + " of " + image + " exited with "
            + exited.getAsInt() + " before " + url + " answered; its output:\n" + logs());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          return r;
        }
        last = "HTTP " + r.statusCode();
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(url + " did not answer 2xx within " + timeout + " (last: " + last
        + "); output of container " + shortId() + " of " + image + ":\n" + logs());
  }

  /** {@code podman stop}: SIGTERM, then SIGKILL after 10 s. */
  public void stop() throws IOException, InterruptedException {
    podman(Duration.ofMinutes(1), "stop", "--time", "10", id).orThrow();
  }

  /** Removes the container, running or not. */
  @Override
  public void close() throws IOException, InterruptedException {
    runtime.service().remove(List.of(id));
  }

  private String shortId() {
    return id.substring(0, Math.min(12, id.length()));
  }

  private Command.Result podman(Duration timeout, String... args) throws IOException, InterruptedException {
    return runtime.service().podman(timeout, List.of(args));
  }
}
