package dev.slipway.perf.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.slipway.common.Log;
import dev.slipway.perf.load.ContainerEngine;
import dev.slipway.perf.load.DockerApiEngine;
import dev.slipway.perf.load.ServiceContainer;
import dev.slipway.perf.load.ServiceProcess;
import dev.slipway.perf.load.ServiceStartException;
import dev.slipway.perf.load.StartedService;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import jdk.management.jfr.FlightRecorderMXBean;

/**
 * A JVM under watch, reached over JMX: post-GC heap notifications, forced collections, heap readings, class
 * histograms ({@code DiagnosticCommand gcClassHistogram}), a JFR recording of old-object samples with their paths
 * to GC roots ({@code FlightRecorderMXBean}) and heap dumps ({@code HotSpotDiagnosticMXBean}). Everything goes
 * through JMX, so a forked jar, an already running JVM and a container of the built image are watched the same way.
 * Closing it disconnects and, for a service it started, stops the service (a container is removed).
 */
public final class WatchedJvm implements AutoCloseable {
  private static final ObjectName MEMORY = name("java.lang:type=Memory");
  private static final ObjectName DIAGNOSTIC_COMMAND = name("com.sun.management:type=DiagnosticCommand");
  private static final ObjectName FLIGHT_RECORDER = name("jdk.management.jfr:type=FlightRecorder");
  private static final ObjectName HOTSPOT_DIAGNOSTIC = name("com.sun.management:type=HotSpotDiagnostic");

  /** Where a container's exchange folder is mounted inside it (heap dumps are written there). */
  static final String CONTAINER_EXCHANGE = "/tmp/slipway-perf-memory";

  private final JMXConnector connector;
  private final MBeanServerConnection mbeans;
  private final StartedService service;
  private String description;
  private long pid;
  private final long startMillis;
  private boolean local;
  /** A container's exchange folder on this machine, mounted at {@link #CONTAINER_EXCHANGE}; null otherwise. */
  private Path exchange;
  private final Set<String> heapPools = new HashSet<>();
  private final List<Runnable> unregister = new ArrayList<>();

  private WatchedJvm(JMXConnector connector, StartedService service, String description) throws MemoryException {
    this.connector = connector;
    this.service = service;
    this.description = description;
    try {
      this.mbeans = connector.getMBeanServerConnection();
      RuntimeMXBean runtime = ManagementFactory.newPlatformMXBeanProxy(mbeans, ManagementFactory.RUNTIME_MXBEAN_NAME,
          RuntimeMXBean.class);
      this.pid = runtime.getPid();
      this.startMillis = runtime.getStartTime();
      this.local = isLocal(pid, startMillis);
      for (ObjectName pool : mbeans.queryNames(name("java.lang:type=MemoryPool,name=*"), null)) {
        if ("HEAP".equals(String.valueOf(mbeans.getAttribute(pool, "Type")))) {
          heapPools.add(pool.getKeyProperty("name"));
        }
      }
    } catch (IOException | JMException | RuntimeException e) {
      close();
      throw new MemoryException("cannot read the runtime and memory pools of " + description + " over JMX: " + e, e);
    }
  }

  /** Starts or connects to the JVM {@code target} names. */
  public static WatchedJvm open(JvmTarget target, Log log) throws MemoryException {
    if (target instanceof JvmTarget.Remote r) {
      WatchedJvm jvm = new WatchedJvm(connect(url(r.jmxUrl()), Duration.ofSeconds(10)), null,
          "the JVM at " + r.jmxUrl());
      log.info("perf:memory: watching " + jvm.description + " (pid " + jvm.pid + (jvm.local ? ", on this machine"
          : ", not a process on this machine: no RSS") + ")");
      return jvm;
    }
    if (target instanceof JvmTarget.Image i) {
      return runImage(i, log);
    }
    return fork((JvmTarget.Forked) target, log);
  }

  private static WatchedJvm runImage(JvmTarget.Image t, Log log) throws MemoryException {
    int port = freePort();
    Map<String, String> env = new LinkedHashMap<>(t.environment());
    String jmx = JvmTarget.Forked.jmxOptions(port) + " " + OLD_OBJECT_SAMPLING_OPTIONS;
    String given = env.get("JDK_JAVA_OPTIONS");
    env.put("JDK_JAVA_OPTIONS", given == null || given.isBlank() ? jmx : given + " " + jmx);
    Path exchange;
    try {
      // The container's user is whatever the image says (65532, a name): the folder must be writable by anyone.
      Path parent = t.logFile().toAbsolutePath().getParent();
      Files.createDirectories(parent);
      exchange = Files.createTempDirectory(parent, "memory-container-");
      Files.setPosixFilePermissions(exchange, PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException | UnsupportedOperationException e) {
      throw new MemoryException("cannot make the folder the container writes heap dumps to: " + e.getMessage(), e);
    }
    ServiceContainer service;
    try {
      service = ServiceContainer.start(new DockerApiEngine(), t.image(), env,
          new ContainerEngine.Options(Map.of(exchange, CONTAINER_EXCHANGE), Set.of("JDK_JAVA_OPTIONS")),
          t.logFile(), t.health(), t.startTimeout() == null ? Duration.ofSeconds(60) : t.startTimeout(), log);
    } catch (ServiceStartException e) {
      deleteTree(exchange);
      throw new MemoryException(e.getMessage(), e);
    }
    JMXServiceURL url = url("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    WatchedJvm jvm;
    try {
      jvm = new WatchedJvm(connect(url, Duration.ofSeconds(30)), service, service.describe());
    } catch (MemoryException e) {
      service.close();
      deleteTree(exchange);
      throw new MemoryException(e.getMessage() + ". The container was started with JDK_JAVA_OPTIONS carrying \""
          + jmx + "\" (after the image's own value); an image whose entrypoint is no java launcher, or whose JRE "
          + "lacks the java.management.rmi module, needs those options added itself", e);
    }
    jvm.exchange = exchange;
    long inside = jvm.pid;
    OptionalLong host = hostPid(service.processes(), inside);
    jvm.description = service.describe() + " (JVM pid " + inside + " inside"
        + (host.isPresent() ? ", " + host.getAsLong() + " on this machine)" : ")");
    if (host.isPresent()) {
      jvm.pid = host.getAsLong();
      jvm.local = true;
    } else {
      jvm.local = false;
      log.warn("perf:memory: the container's JVM (pid " + inside + " inside) was not found among the container's "
          + "processes on this machine: no RSS (the container engine runs elsewhere, or /proc is not readable)");
    }
    log.info("perf:memory: watching " + jvm.description + " over JMX at " + url);
    return jvm;
  }

  /**
   * The host pid of the process that is {@code inside} in its own pid namespace: the last field of
   * {@code NSpid:} in {@code /proc/<pid>/status} is the pid in the innermost namespace.
   */
  static OptionalLong hostPid(Set<Long> candidates, long inside) {
    for (long p : candidates) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), "status"))) {
          if (line.startsWith("NSpid:")) {
            String[] f = line.substring(6).trim().split("\\s+");
            if (Long.parseLong(f[f.length - 1]) == inside) {
              return OptionalLong.of(p);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // gone, or not Linux
      }
    }
    return OptionalLong.empty();
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // left behind under the output folder; harmless
        }
      });
    } catch (IOException e) {
      // as above
    }
  }

  private static WatchedJvm fork(JvmTarget.Forked f, Log log) throws MemoryException {
    int port = freePort();
    Map<String, String> env = new LinkedHashMap<>(f.environment());
    String jmx = JvmTarget.Forked.jmxOptions(port) + " " + OLD_OBJECT_SAMPLING_OPTIONS;
    String existing = env.getOrDefault("JDK_JAVA_OPTIONS", System.getenv("JDK_JAVA_OPTIONS"));
    env.put("JDK_JAVA_OPTIONS", existing == null || existing.isBlank() ? jmx : existing + " " + jmx);
    ServiceProcess service;
    try {
      service = ServiceProcess.start(f.command(), env, f.workDir(), f.logFile(), f.health(), f.startTimeout(), log);
    } catch (ServiceStartException e) {
      throw new MemoryException(e.getMessage(), e);
    }
    JMXServiceURL url = url("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    try {
      WatchedJvm jvm = new WatchedJvm(connect(url, Duration.ofSeconds(20)), service, "the service (pid "
          + service.pid() + ")");
      if (jvm.pid != service.pid() && ProcessHandle.of(service.pid()).stream().flatMap(ProcessHandle::descendants)
          .noneMatch(p -> p.pid() == jvm.pid)) {
        log.warn("perf:memory: the JVM answering JMX on port " + port + " (pid " + jvm.pid + ") is not the started "
            + "service (pid " + service.pid() + ") nor one of its children");
      }
      log.info("perf:memory: watching " + jvm.description + " over JMX at " + url);
      return jvm;
    } catch (MemoryException e) {
      service.close();
      throw new MemoryException(e.getMessage() + ". The service was started with JDK_JAVA_OPTIONS=\"" + jmx
          + "\"; a launcher that ignores JDK_JAVA_OPTIONS (not a java command) needs those options added itself",
          e);
    }
  }

  private static JMXConnector connect(JMXServiceURL url, Duration timeout) throws MemoryException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last;
    do {
      try {
        return JMXConnectorFactory.connect(url);
      } catch (IOException | SecurityException e) {
        last = e;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MemoryException("interrupted while connecting to " + url, e);
      }
    } while (System.nanoTime() < deadline);
    throw new MemoryException("cannot connect over JMX to " + url + " within " + timeout.toSeconds() + " s ("
        + last + ")", last);
  }

  private static JMXServiceURL url(String s) throws MemoryException {
    try {
      return new JMXServiceURL(s);
    } catch (MalformedURLException e) {
      throw new MemoryException("perf.memory.jmxUrl: '" + s + "' is not a JMX service URL; expected e.g. "
          + "service:jmx:rmi:///jndi/rmi://127.0.0.1:9010/jmxrmi", e);
    }
  }

  private static int freePort() throws MemoryException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new MemoryException("no free loopback port for the JMX agent: " + e.getMessage(), e);
    }
  }

  /** The JVM's pid is a process here only if a local process with that pid started when the JVM did. */
  private static boolean isLocal(long pid, long startMillis) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().startInstant())
        .map(i -> Math.abs(i.toEpochMilli() - startMillis) < 5000).orElse(false);
  }

  private static ObjectName name(String s) {
    try {
      return new ObjectName(s);
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
  }

  public String description() {
    return description;
  }

  public long pid() {
    return pid;
  }

  /** Whether the JVM runs on this machine (so its RSS can be read and a heap dump lands on this file system). */
  public boolean local() {
    return local;
  }

  /**
   * Calls {@code sink} with the heap in use after every full (old-generation, "major") collection, from the JVM's
   * GC notifications; minor collections are left out because what they leave behind includes garbage that simply
   * has not been collected yet. A sample's time is when the collection ended in the JVM (its GC info), not when the
   * notification arrived, so a slow JMX connection does not shift the samples.
   *
   * @param loadStartMillis the load's start, in epoch milliseconds: sample times are seconds since then
   */
  public void onFullGc(long loadStartMillis, Consumer<HeapSample> sink) throws MemoryException {
    try {
      for (ObjectName gc : mbeans.queryNames(name("java.lang:type=GarbageCollector,name=*"), null)) {
        NotificationListener l = (Notification n, Object handback) -> {
          if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
          }
          GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
              (CompositeData) n.getUserData());
          if (!info.getGcAction().contains("major")) {
            return;
          }
          long used = 0;
          for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
              used += e.getValue().getUsed();
            }
          }
          double t = (startMillis + info.getGcInfo().getEndTime() - loadStartMillis) / 1000.0;
          sink.accept(new HeapSample(t, used, info.getGcName(), info.getGcCause()));
        };
        mbeans.addNotificationListener(gc, l, null, null);
        unregister.add(() -> {
          try {
            mbeans.removeNotificationListener(gc, l);
          } catch (Exception e) {
            // the JVM is going away
          }
        });
      }
    } catch (IOException | JMException e) {
      throw new MemoryException("cannot subscribe to GC notifications of " + description + ": " + e, e);
    }
  }

  /** Asks for a full collection ({@code MemoryMXBean.gc()}, i.e. {@code System.gc()}); returns when it is done. */
  public void gc() throws IOException {
    try {
      mbeans.invoke(MEMORY, "gc", null, null);
    } catch (JMException e) {
      throw new IOException("MemoryMXBean.gc() failed: " + e, e);
    }
  }

  /** Heap in use and committed right now, and the RSS when the process is local. */
  public MemoryPoint read(double t) throws IOException {
    MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(mbeans, ManagementFactory.MEMORY_MXBEAN_NAME,
        MemoryMXBean.class);
    MemoryUsage heap = memory.getHeapMemoryUsage();
    OptionalLong rss = local ? Rss.of(pid) : OptionalLong.empty();
    return new MemoryPoint(t, heap.getUsed(), heap.getCommitted(), rss.isPresent() ? rss.getAsLong() : null);
  }

  /** The live-object class histogram ({@code jcmd GC.class_histogram}); forces a full collection. */
  public String classHistogram() throws IOException {
    try {
      return (String) mbeans.invoke(DIAGNOSTIC_COMMAND, "gcClassHistogram", new Object[] {new String[0]},
          new String[] {String[].class.getName()});
    } catch (JMException e) {
      throw new IOException("DiagnosticCommand gcClassHistogram failed: " + e, e);
    }
  }

  /** A JFR recording of old-object samples, started now. */
  public final class OldObjectRecording {
    private final FlightRecorderMXBean recorder;
    private final long id;

    private OldObjectRecording(FlightRecorderMXBean recorder, long id) {
      this.recorder = recorder;
      this.id = id;
    }

    /**
     * Stops the recording and copies it to {@code file}. The cutoff setting makes the JVM search each sampled
     * object's path to a GC root when the recording stops (what {@code path-to-gc-roots=true} does for
     * {@code jcmd JFR.dump}).
     */
    public void stopTo(Path file) throws IOException {
      try {
        recorder.stopRecording(id);
        long stream = recorder.openStream(id, Map.of());
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
          byte[] chunk;
          while ((chunk = recorder.readStream(stream)) != null) {
            out.write(chunk);
          }
        } finally {
          recorder.closeStream(stream);
        }
      } finally {
        try {
          recorder.closeRecording(id);
        } catch (RuntimeException e) {
          // already gone
        }
      }
    }
  }

  /**
   * JVM options for a service this goal starts, so that JFR's old-object sampler sees the allocations of every
   * request. The sampler takes one object per TLAB refill (the allocation that did not fit) or allocation outside a
   * TLAB. With the JVM's adaptive TLABs (hundreds of KB per thread) a request thread refills about once per forced GC,
   * and since a GC retires every TLAB while the threads wait for the next request, each epoch starts at the same
   * point of the same request: the refill falls on the same allocation every time. Whether that is the retained body
   * or a read buffer that dies then depends only on the TLAB size the JVM settled on (on a busy machine often the
   * buffer), and the evidence named nothing. A small fixed TLAB makes the refills fall all through each request, and a
   * large object no longer fits and is sampled when allocated outside the TLAB. Options given on the service's own
   * command line come after {@code JDK_JAVA_OPTIONS} and win.
   */
  static final String OLD_OBJECT_SAMPLING_OPTIONS = "-XX:-ResizeTLAB -XX:TLABSize=64k";

  /** Starts a JFR recording with only {@code jdk.OldObjectSample} (stack traces, unlimited path search). */
  public OldObjectRecording recordOldObjects() throws IOException {
    try {
      FlightRecorderMXBean recorder = JMX.newMXBeanProxy(mbeans, FLIGHT_RECORDER, FlightRecorderMXBean.class);
      long id = recorder.newRecording();
      recorder.setRecordingOptions(id, Map.of("name", "slipway-perf-memory", "disk", "true"));
      recorder.setRecordingSettings(id, Map.of(
          "jdk.OldObjectSample#enabled", "true",
          "jdk.OldObjectSample#stackTrace", "true",
          "jdk.OldObjectSample#cutoff", "infinity"));
      recorder.startRecording(id);
      return new OldObjectRecording(recorder, id);
    } catch (RuntimeException e) {
      throw new IOException("cannot start a JFR recording in " + description + " (" + e + ")", e);
    }
  }

  /**
   * Writes a heap dump of live objects to {@code file} on the watched JVM's file system; for a container, into the
   * folder mounted into it, then moved to {@code file} on this machine.
   */
  public void dumpHeap(Path file) throws IOException {
    Files.deleteIfExists(file);
    HotSpotDiagnosticMXBean hs = ManagementFactory.newPlatformMXBeanProxy(mbeans, HOTSPOT_DIAGNOSTIC.toString(),
        HotSpotDiagnosticMXBean.class);
    if (exchange == null) {
      hs.dumpHeap(file.toAbsolutePath().toString(), true);
      return;
    }
    String name = file.getFileName().toString();
    Files.deleteIfExists(exchange.resolve(name));
    hs.dumpHeap(CONTAINER_EXCHANGE + "/" + name, true);
    // a rename needs only the folders' permissions, not the file's (it belongs to the container's user)
    Files.move(exchange.resolve(name), file.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    unregister.forEach(Runnable::run);
    unregister.clear();
    try {
      connector.close();
    } catch (IOException | RuntimeException e) {
      // the connection is going anyway
    }
    if (service != null) {
      service.close();
    }
    deleteTree(exchange);
  }
}
