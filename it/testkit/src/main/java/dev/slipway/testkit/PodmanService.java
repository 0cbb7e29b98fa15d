package dev.slipway.testkit;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code podman system service} per JVM, with everything it owns in one temporary directory: its configuration
 * (containers.conf, registries.conf, storage.conf, named to podman by environment variables, so nothing under /etc is
 * read for them or written), its image and container storage, its run state and its Docker API socket. Every
 * container in that storage was made by this JVM or a process it started with {@link #environment()}, so closing
 * removes them all by id, stops the service, unmounts what podman left mounted there and deletes the directory.
 *
 * <p>Why one per JVM: Testcontainers resolves its Docker client once per JVM and keeps it, so a second service on
 * another socket would be invisible to it.
 */
final class PodmanService implements AutoCloseable {
  static final String RYUK_DISABLED = "TESTCONTAINERS_RYUK_DISABLED";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static PodmanService shared;

  private final Path podman;
  private final Path dir;
  private final Path socket;
  private final Map<String, String> environment;
  private Process process;
  private Thread shutdownHook;

  private PodmanService(Path podman, Path dir) {
    this.podman = podman;
    this.dir = dir;
    this.socket = dir.resolve("podman.sock");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
    env.put("CONTAINERS_REGISTRIES_CONF", dir.resolve("registries.conf").toString());
    env.put("CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString());
    env.put("DOCKER_HOST", "unix://" + socket);
    env.put(RYUK_DISABLED, "true");
    this.environment = Map.copyOf(env);
  }

  /** The JVM's service, started on first use with the program {@code podman}. */
  static synchronized PodmanService shared(Path podman) throws IOException, InterruptedException {
    if (shared == null || !shared.process.isAlive()) {
      if (shared != null) {
        shared.close(); // died under us: clean up what it left and start afresh
      }
      shared = startNew(podman);
    }
    return shared;
  }

  /** A service of its own (not the JVM's shared one): for tests of the service's own life cycle. */
  static PodmanService startNew(Path podman) throws IOException, InterruptedException {
    PodmanService service = new PodmanService(podman, Files.createTempDirectory("slipway-podman"));
    service.start();
    return service;
  }

  /** The running service, if this JVM started one (Testcontainers asks, through the kit's client strategy). */
  static synchronized PodmanService current() {
    return shared != null && shared.process.isAlive() ? shared : null;
  }

  /** Closes the JVM's service, alive or not, with everything in its directory. */
  static void closeShared() {
    PodmanService service;
    synchronized (PodmanService.class) {
      service = shared;
    }
    if (service != null) {
      service.close();
    }
  }

  Path socket() {
    return socket;
  }

  String dockerHost() {
    return "unix://" + socket;
  }

  Map<String, String> environment() {
    return environment;
  }

  Path directory() {
    return dir;
  }

  private void start() throws IOException, InterruptedException {
    // runc and cgroupfs: crun fails here on hybrid cgroups; no default ulimits: setting them needs CAP_SYS_RESOURCE.
    // The engine's tmp_dir is ours too, so this podman shares no state with the machine's own podman.
    Files.writeString(dir.resolve("containers.conf"), """
        [containers]
        default_ulimits = []
        log_driver = "k8s-file"

        [engine]
        cgroup_manager = "cgroupfs"
        runtime = "runc"
        events_logger = "file"
        tmp_dir = "%s"
        """.formatted(dir.resolve("tmp")));
    // Test registries listen on loopback without TLS. A location is a prefix of "host[:port]/path", so these two
    // cover every port; no public registry is searched for short names.
    Files.writeString(dir.resolve("registries.conf"), """
        unqualified-search-registries = []

        [[registry]]
        location = "127.0.0.1"
        insecure = true

        [[registry]]
        location = "localhost"
        insecure = true
        """);
    Files.writeString(dir.resolve("storage.conf"), """
        [storage]
        driver = "overlay"
        graphroot = "%s"
        runroot = "%s"
        """.formatted(dir.resolve("storage"), dir.resolve("run")));
    Path log = dir.resolve("service.log");
    ProcessBuilder pb = new ProcessBuilder(podman.toString(), "system", "service", "--time=0", dockerHost())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(environment);
    pb.environment().remove("DOCKER_HOST");
    process = pb.start();
    shutdownHook = new Thread(this::close, "slipway-podman-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      awaitPing(log);
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void awaitPing(Path log) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("podman system service exited with " + process.exitValue() + ": "
            + Command.read(log).strip());
      }
      if (Files.exists(socket) && "OK".equals(ping())) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("podman system service did not answer /_ping on " + socket + " within "
        + START_TIMEOUT + ": " + Command.read(log).strip());
  }

  /** The body of {@code GET /_ping} on the socket, or null when nothing answers yet. */
  String ping() {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: podman\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(4096);
      StringBuilder response = new StringBuilder();
      while (ch.read(buf) >= 0) {
        buf.flip();
        response.append(StandardCharsets.US_ASCII.decode(buf));
        buf.clear();
      }
      int body = response.indexOf("\r\n\r\n");
      return response.toString().startsWith("HTTP/1.") && body > 0 ? response.substring(body + 4).strip() : null;
    } catch (IOException notYet) {
      return null;
    }
  }

  /** Runs {@code podman ARGS} against this service's storage and configuration. */
  Command.Result podman(Duration timeout, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(podman.toString());
    cmd.addAll(args);
    return Command.run(cmd, environment, timeout);
  }

  /** Removes containers by id, running or not; ids already gone are no error. */
  void remove(List<String> ids) throws IOException, InterruptedException {
    if (ids.isEmpty()) {
      return;
    }
    List<String> args = new ArrayList<>(List.of("rm", "--force", "--ignore", "--time", "2"));
    args.addAll(ids);
    podman(Duration.ofMinutes(2), args).orThrow();
  }

  @Override
  public synchronized void close() {
    if (process == null) {
      return;
    }
    try {
      if (process.isAlive()) {
        List<String> all = podman(Duration.ofMinutes(1), List.of("ps", "--all", "--quiet", "--no-trunc"))
            .orThrow().lines().filter(l -> !l.isBlank()).toList();
        remove(all);
      }
    } catch (IOException e) {
      System.err.println("podman: could not remove the containers in " + dir + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    unmountUnder(dir);
    LocalRegistry.deleteTree(dir);
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting and runs the hooks: nothing to remove
      }
    }
    synchronized (PodmanService.class) {
      if (shared == this) {
        shared = null;
      }
    }
  }

  /**
   * The overlay driver bind-mounts its own directory (and a container's root while it runs), and a stopped service
   * leaves those mounts: unmount everything below {@code dir}, deepest first, so the directory can be deleted.
   */
  static void unmountUnder(Path dir) {
    String prefix = dir.toAbsolutePath().normalize().toString();
    List<String> mounts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] fields = line.split(" ");
        String point = unescape(fields[4]);
        if (point.equals(prefix) || point.startsWith(prefix + "/")) {
          mounts.add(point);
        }
      }
      mounts.sort(Comparator.comparingInt(String::length).reversed());
      for (String point : mounts) {
        if (!umount(point, false)) {
          umount(point, true);
        }
      }
    } catch (IOException e) {
      System.err.println("podman: could not unmount what is left under " + dir + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean umount(String point, boolean lazy) throws IOException, InterruptedException {
    List<String> cmd = lazy ? List.of("umount", "-l", point) : List.of("umount", point);
    return Command.run(cmd, Map.of(), Duration.ofSeconds(30)).ok();
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
