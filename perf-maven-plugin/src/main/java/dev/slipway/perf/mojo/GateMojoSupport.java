package dev.slipway.perf.mojo;

import dev.slipway.common.Log;

/** What perf:compare and perf:baseline share: Maven's log behind Slipway's small {@link Log} interface. */
final class GateMojoSupport {
  private GateMojoSupport() {}

  static Log log(org.apache.maven.plugin.logging.Log maven) {
    return new Log() {
      @Override
      public void debug(String message) {
        maven.debug(message);
      }

      @Override
      public void info(String message) {
        maven.info(message);
      }

      @Override
      public void warn(String message) {
        maven.warn(message);
      }

      @Override
      public void error(String message) {
        maven.error(message);
      }
    };
  }
}
