package dev.slipway.image.mojo;

import dev.slipway.common.Log;

/** Adapts Maven's mojo log to the core's {@link Log}. */
final class SlipwayMavenLog implements Log {
  private final org.apache.maven.plugin.logging.Log maven;

  SlipwayMavenLog(org.apache.maven.plugin.logging.Log maven) {
    this.maven = maven;
  }

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
}
