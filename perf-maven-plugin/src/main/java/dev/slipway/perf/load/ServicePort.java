package dev.slipway.perf.load;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code perf.port}: the loopback port of the service {@code perf.start} starts. {@code 0} means "a free port,
 * chosen for this build", so two builds on one machine never collide: the target and health URLs that say port 0
 * (a POM writes {@code http://127.0.0.1:${perf.port}/health}) get the chosen port, and the service gets it in the
 * environment variable {@code perf.portVariable} (PORT). A fixed port is handed to the service the same way.
 *
 * @param target the target URL, its port filled in
 * @param health the health URL, its port filled in
 * @param environment the service's environment with the port variable set
 * @param port the port the service was given, or -1 when {@code perf.port} did not apply
 */
public record ServicePort(URI target, URI health, Map<String, String> environment, int port) {

  /**
   * Applies {@code port} ({@code perf.port}; null: not set) to the URLs and the environment of a service started by
   * {@code start}. Without {@code perf.start} there is no service to give a port to, and nothing changes; with
   * {@code perf.port=0} a port is chosen only when the target or health URL asks for it with port 0.
   */
  public static ServicePort resolve(Integer port, String variable, String start, URI target, URI health,
      Map<String, String> environment, Log log) throws InvalidInputException {
    Map<String, String> env = new LinkedHashMap<>(environment == null ? Map.of() : environment);
    if (port == null || start == null || start.isBlank()) {
      return new ServicePort(target, health, env, -1);
    }
    if (port < 0 || port > 65535) {
      throw new InvalidInputException("perf.port = " + port + " is not accepted; expected 0 (a free loopback port, "
          + "chosen at start) or a port from 1 to 65535");
    }
    if (variable == null || !variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new InvalidInputException("perf.portVariable = '" + variable + "' is not an environment variable name");
    }
    int chosen = port;
    if (port == 0) {
      if (!asksForPort(target) && !asksForPort(health)) {
        log.debug("perf.port=0: perf.target and perf.health name their ports; no port is chosen");
        return new ServicePort(target, health, env, -1);
      }
      try {
        chosen = LocalPorts.free();
      } catch (IOException e) {
        throw new UncheckedIOException("no free loopback port for perf.port=0", e);
      }
      log.info("perf.port=0: the service gets the free loopback port " + chosen + " (" + variable + "=" + chosen + ")");
    }
    env.put(variable, String.valueOf(chosen));
    return new ServicePort(withPort(target, chosen), withPort(health, chosen), env, chosen);
  }

  private static boolean asksForPort(URI url) {
    return url != null && url.getPort() == 0;
  }

  /** {@code url} with port {@code port} where it said 0; any other URL unchanged. */
  static URI withPort(URI url, int port) {
    if (!asksForPort(url)) {
      return url;
    }
    return URI.create(url.getScheme() + "://" + (url.getRawUserInfo() == null ? "" : url.getRawUserInfo() + "@")
        + url.getHost() + ":" + port + (url.getRawPath() == null ? "" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
        + (url.getRawFragment() == null ? "" : "#" + url.getRawFragment()));
  }
}
