package dev.slipway.perf.memory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the JVM that {@code perf:memory} watches comes from. Every kind ends up as a JMX connection on loopback
 * ({@link WatchedJvm}); they differ in who starts the JVM and how its JMX agent is switched on.
 *
 * <p>The built image ({@code perf.start=image}, {@link Image}) runs as a container on the host's network with
 * {@code JDK_JAVA_OPTIONS} carrying {@link Forked#jmxOptions(int)} for a free loopback port, so that it is reached
 * exactly like a forked jar; its RSS is that of the JVM's process as the host sees it (found by its pid inside the
 * container), and a heap dump is written into a host folder mounted into the container.
 */
public sealed interface JvmTarget {

  /**
   * A service forked for the test ({@code perf.start=jar}, a jar path or a command). Its JMX agent is switched on
   * through {@code JDK_JAVA_OPTIONS}, which every {@code java} launcher (also one started by a script) reads, so
   * the command itself needs no change.
   *
   * @param command the command line
   * @param environment extra environment variables
   * @param workDir working directory
   * @param logFile where its output goes
   * @param health URL polled until it answers
   * @param startTimeout how long to wait for the health URL and the JMX agent
   */
  record Forked(
      List<String> command, Map<String, String> environment, Path workDir, Path logFile, URI health,
      Duration startTimeout) implements JvmTarget {
    public Forked {
      command = List.copyOf(command);
      environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /**
     * JVM options that open an unauthenticated JMX agent on 127.0.0.1:{@code port} only (registry and RMI server on
     * the same port, so one port is enough through a firewall or a container's port mapping).
     */
    public static String jmxOptions(int port) {
      return "-Dcom.sun.management.jmxremote.port=" + port
          + " -Dcom.sun.management.jmxremote.rmi.port=" + port
          + " -Dcom.sun.management.jmxremote.host=127.0.0.1"
          + " -Djava.rmi.server.hostname=127.0.0.1"
          + " -Dcom.sun.management.jmxremote.authenticate=false"
          + " -Dcom.sun.management.jmxremote.ssl=false";
    }
  }

  /**
   * A JVM that is already running, given by its JMX service URL ({@code perf.memory.jmxUrl}), e.g.
   * {@code service:jmx:rmi:///jndi/rmi://127.0.0.1:9010/jmxrmi}. Its RSS is read only when it turns out to be a
   * process on this machine.
   */
  record Remote(String jmxUrl) implements JvmTarget {}

  /**
   * The built image ({@code perf.start=image}), run as a container for the window on the Docker API's host network
   * ({@link dev.slipway.perf.load.ServiceContainer}), like {@code perf:load} runs it. {@code JDK_JAVA_OPTIONS}
   * carrying the JMX agent is appended to the image's own value of that variable, so the JVM keeps the options it
   * ships with.
   *
   * @param image the reference to run (the {@code perf.imagePlatform} manifest of what {@code image.json} names, by
   *     digest, or {@code perf.image})
   * @param environment variables for the container (its port, {@code <startEnvironment>})
   * @param logFile where its output goes
   * @param health URL polled until it answers
   * @param startTimeout how long to wait for the health URL (a pull included)
   */
  record Image(String image, Map<String, String> environment, Path logFile, URI health, Duration startTimeout)
      implements JvmTarget {
    public Image {
      environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
  }
}
