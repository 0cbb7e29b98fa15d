package dev.slipway.image.build;

import java.util.HashMap;
import java.util.Map;

/**
 * jib-core reads two settings only from JVM system properties: {@code sendCredentialsOverHttp} (credentials to a
 * plain-HTTP registry) and {@code jib.httpTimeout} (its connect and read timeout, in milliseconds). They are set only
 * while a build runs, from the build's own configuration (the user's {@code image.insecureRegistries} and
 * {@code image.registry.timeout}), and counted, so parallel module builds in one Maven JVM do not switch them off
 * under each other; what was there before comes back when the last build ends.
 */
final class JibSystemProperties {
  static final String CREDENTIALS_OVER_HTTP = "sendCredentialsOverHttp";
  static final String HTTP_TIMEOUT = "jib.httpTimeout";

  private static final Map<String, Integer> holders = new HashMap<>();
  private static final Map<String, String> before = new HashMap<>();

  private JibSystemProperties() {}

  /** Sets {@code name} to {@code value} for as long as someone holds it (the first holder's value stands). */
  static synchronized void hold(String name, String value) {
    int n = holders.getOrDefault(name, 0);
    if (n == 0) {
      before.put(name, System.getProperty(name));
      System.setProperty(name, value);
    }
    holders.put(name, n + 1);
  }

  static synchronized void release(String name) {
    int n = holders.getOrDefault(name, 0);
    if (n == 0) {
      return;
    }
    if (n == 1) {
      holders.remove(name);
      String old = before.remove(name);
      if (old == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, old);
      }
    } else {
      holders.put(name, n - 1);
    }
  }
}
