package dev.slipway.ecssim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.testkit.ContainerRequest;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.RunningContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The simulator's tasks as real containers on the test kit's podman ({@link PodmanRuntime}): each task is one
 * container of its task definition's image, pulled from the registry the reference names (by digest, as ECS does),
 * on the host network with a host port of its own. The service learns its port from {@value #PORT_VARIABLE} (and
 * binds {@value #BIND_VARIABLE}=127.0.0.1), overriding what the task definition says, since on the host network
 * two tasks cannot share the container port.
 *
 * <p>Launches and stops run in the background, so a slow pull never holds up the simulator's API. One watcher
 * thread lists the containers ({@code podman ps}) and, for tasks behind a target group, checks the target group's
 * health path over HTTP on the task's port, as an ALB's health checks do. {@link EcsModel} reads those
 * observations when it advances and changes the tasks' state: only the model decides what a task is.
 *
 * <p>What each container printed is kept: written to {@code <logs>/<task id>.log} when the container exits or is
 * stopped, and its tail printed on stdout (so a test report shows why a task stopped).
 */
public final class ContainerTasks implements AutoCloseable {
  /** The environment variable a task's service reads its port from. */
  public static final String PORT_VARIABLE = "PORT";
  /** The environment variable a task's service reads its bind address from. */
  public static final String BIND_VARIABLE = "BIND";
  /** Label on every container of a simulator: its run id, so the watcher lists only its own. */
  static final String LABEL = "dev.slipway.ecssim.run";
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
  /** Failed checks in a row after which a target that was healthy counts as unhealthy (an ALB's default is 2). */
  private static final int UNHEALTHY_THRESHOLD = 2;

  /** What became of a container so far, as the watcher saw it. */
  enum State {
    /** {@code podman run} is still pulling, creating or starting it. */
    STARTING,
    RUNNING,
    /** The container ran and exited: see {@link Handle#exitCode}. */
    EXITED,
    /** It never ran: the image could not be pulled, or the container not created. */
    FAILED
  }

  /** One task's container. Its fields are written by the launcher and watcher threads and read under the model's lock. */
  static final class Handle {
    final String taskId;
    final String image;
    final int hostPort;
    final String healthPath;
    volatile RunningContainer container;
    volatile State state = State.STARTING;
    volatile Integer exitCode;
    volatile String reason;
    /** null: not checked yet (or no health path); then the last verdict of the health checks. */
    volatile Boolean healthy;
    volatile String healthReason;
    volatile boolean stopRequested;
    final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    volatile Path log;
    private int failedChecks;

    Handle(String taskId, String image, int hostPort, String healthPath) {
      this.taskId = taskId;
      this.image = image;
      this.hostPort = hostPort;
      this.healthPath = healthPath;
    }

    String containerId() {
      RunningContainer c = container;
      return c == null ? null : c.id();
    }
  }

  private final PodmanRuntime podman;
  private final Path logs;
  private final String runId = Long.toHexString(System.nanoTime());
  private final Map<String, Handle> handles = new ConcurrentHashMap<>();
  private final Set<Integer> portsHandedOut = ConcurrentHashMap.newKeySet();
  private final ExecutorService launcher = Executors.newFixedThreadPool(4, daemon("ecs-simulator-podman"));
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build();
  private Thread watcher;
  private volatile boolean closed;

  private ContainerTasks(PodmanRuntime podman, Path logs) {
    this.podman = podman;
    this.logs = logs;
  }

  /**
   * Tasks as containers on {@code podman} (started here when it is not yet), their output kept under {@code logs}
   * (created when missing).
   */
  public static ContainerTasks podman(PodmanRuntime podman, Path logs) throws IOException {
    try {
      podman.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting podman", e);
    }
    Files.createDirectories(logs);
    return new ContainerTasks(podman, logs);
  }

  /** Where the containers' output goes. */
  public Path logDirectory() {
    return logs;
  }

  synchronized void startWatching() {
    if (watcher == null) {
      watcher = daemon("ecs-simulator-watcher").newThread(this::watch);
      watcher.start();
    }
  }

  /**
   * Starts a container for task {@code taskId} in the background: {@code image} with {@code environment}, the
   * command of the container definition when it has one, and a free loopback port of its own.
   */
  Handle launch(String taskId, String image, Map<String, String> environment, JsonNode containerDefinition,
      String healthPath) {
    Handle h = new Handle(taskId, image, freePort(), healthPath);
    handles.put(taskId, h);
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put(PORT_VARIABLE, String.valueOf(h.hostPort));
    env.put(BIND_VARIABLE, "127.0.0.1");
    launcher.execute(() -> {
      try {
        ContainerRequest request = podman.container(image).env(env)
            .option("--label", LABEL + "=" + runId, "--label", "dev.slipway.ecssim.task=" + taskId);
        List<String> entryPoint = strings(containerDefinition.path("entryPoint"));
        List<String> command = strings(containerDefinition.path("command"));
        if (!entryPoint.isEmpty()) {
          request.entrypoint(entryPoint.get(0)).command(entryPoint.subList(1, entryPoint.size()).toArray(String[]::new));
        }
        request.command(command.toArray(String[]::new));
        h.container = request.start();
        if (h.stopRequested) {
          stopNow(h);
        }
      } catch (IOException e) {
        // podman run failed: the pull (CannotPullContainerError in ECS's words) or the start; whatever the
        // container printed is in the message
        h.reason = e.getMessage();
        h.state = State.FAILED;
        writeLog(h, "podman run of " + image + " failed:\n" + e.getMessage() + "\n");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        h.reason = e.toString();
        h.state = State.FAILED;
      }
    });
    return h;
  }

  /** ECS stops the task: the container gets SIGTERM (SIGKILL 10 s later) in the background; its output is kept. */
  void stop(Handle h) {
    h.stopRequested = true;
    if (h.container != null) {
      launcher.execute(() -> stopNow(h));
    }
  }

  private void stopNow(Handle h) {
    if (!h.stopping.compareAndSet(false, true)) {
      return;
    }
    try {
      h.container.stop();
      saveLog(h);
      h.container.close();
    } catch (IOException e) {
      System.out.println("[ecs-simulator] could not stop the container of task " + h.taskId + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The output of task {@code taskId}'s container so far (live while it runs, from its log file after). */
  String output(String taskId) throws IOException, InterruptedException {
    Handle h = handles.get(taskId);
    if (h == null) {
      return null;
    }
    if (h.log != null && Files.exists(h.log)) {
      return Files.readString(h.log);
    }
    RunningContainer c = h.container;
    return c == null ? "" : c.logs();
  }

  private void watch() {
    while (!closed) {
      try {
        poll();
      } catch (IOException e) {
        if (!closed) {
          System.out.println("[ecs-simulator] podman ps failed: " + e.getMessage());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        e.printStackTrace(System.out);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One look at every container of this simulator, then a health check of each running one with a health path. */
  private void poll() throws IOException, InterruptedException {
    if (handles.values().stream().allMatch(h -> h.state == State.EXITED || h.state == State.FAILED)) {
      return;
    }
    JsonNode listed = EcsModel.JSON.readTree(podman.podman("ps", "--all", "--format", "json", "--filter",
        "label=" + LABEL + "=" + runId));
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode c : listed) {
      byId.put(c.path("Id").asText(), c);
    }
    for (Handle h : handles.values()) {
      String id = h.containerId();
      if (id == null || h.state == State.EXITED || h.state == State.FAILED) {
        continue;
      }
      JsonNode c = byId.get(id);
      if (c == null) {
        continue; // removed after a stop: its state no longer matters
      }
      String state = c.path("State").asText();
      if ("exited".equals(state) || "stopped".equals(state)) {
        h.exitCode = c.path("ExitCode").asInt();
        saveLog(h);
        h.state = State.EXITED;
      } else if ("running".equals(state)) {
        h.state = State.RUNNING;
        if (h.healthPath != null && !h.stopRequested) {
          check(h);
        }
      }
    }
  }

  /** An ALB-style health check: GET the health path on the task's port; a 2xx answer is healthy. */
  private void check(Handle h) throws InterruptedException {
    String verdict;
    boolean ok;
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + h.hostPort + h.healthPath)).timeout(HEALTH_TIMEOUT).build(),
          HttpResponse.BodyHandlers.discarding());
      ok = r.statusCode() / 100 == 2;
      verdict = ok ? null : "Target.ResponseCodeMismatch: Health checks failed with these codes: [" + r.statusCode() + "]";
    } catch (IOException e) {
      ok = false;
      verdict = "Target.FailedHealthChecks: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
    if (ok) {
      h.failedChecks = 0;
      h.healthy = true;
      h.healthReason = null;
    } else {
      h.failedChecks++;
      h.healthReason = verdict;
      // a target that never answered stays "initial" (null) until it does; one that did turns unhealthy
      if (Boolean.TRUE.equals(h.healthy) && h.failedChecks >= UNHEALTHY_THRESHOLD) {
        h.healthy = false;
      }
    }
  }

  private void saveLog(Handle h) {
    synchronized (h) {
      if (h.log == null) {
        saveLogOnce(h);
      }
    }
  }

  private void saveLogOnce(Handle h) {
    try {
      String out = h.container.logs();
      writeLog(h, out);
      List<String> lines = out.lines().toList();
      StringBuilder tail = new StringBuilder("[ecs-simulator] task " + h.taskId + " (" + h.image + ", port "
          + h.hostPort + ")" + (h.exitCode == null ? " stopped" : " exited with " + h.exitCode) + "; output in "
          + h.log + (lines.isEmpty() ? " (empty)" : ", last lines:"));
      lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> tail.append("\n  | ").append(l));
      System.out.println(tail);
    } catch (IOException e) {
      writeLog(h, "(the output could not be read: " + e.getMessage() + ")\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeLog(Handle h, String text) {
    Path file = logs.resolve(h.taskId + ".log");
    try {
      Files.writeString(file, text);
      h.log = file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback port nothing listens on now and that no other task of this simulator was given. */
  private int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (portsHandedOut.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free loopback port");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Keeps the output of every container still there, then removes them all at once (no grace: the world ends). */
  @Override
  public void close() {
    closed = true;
    if (watcher != null) {
      watcher.interrupt();
    }
    launcher.shutdownNow();
    try {
      launcher.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> ids = new ArrayList<>();
    for (Handle h : handles.values()) {
      if (h.container != null) {
        saveLog(h);
        ids.add(h.container.id());
      }
    }
    if (ids.isEmpty()) {
      return;
    }
    List<String> args = new ArrayList<>(List.of("rm", "--force", "--ignore", "--time", "0"));
    args.addAll(ids);
    try {
      podman.podman(args.toArray(String[]::new));
    } catch (IOException e) {
      System.out.println("[ecs-simulator] could not remove the task containers: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
