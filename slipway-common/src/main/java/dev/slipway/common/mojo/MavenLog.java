package dev.slipway.common.mojo;

import dev.slipway.common.Log;

/**
 * Maven's log as Slipway's core {@link Log}: the one adapter every plugin's Mojos use. This package is the only
 * place in slipway-common that imports Maven.
 */
public final class MavenLog implements Log {
  private final org.apache.maven.plugin.logging.Log log;

  public MavenLog(org.apache.maven.plugin.logging.Log log) {
    this.log = log;
  }

  @Override
  public void debug(String message) {
    log.debug(message);
  }

  @Override
  public void info(String message) {
    log.info(message);
  }

  @Override
  public void warn(String message) {
    log.warn(message);
  }

  @Override
  public void error(String message) {
    log.error(message);
  }
}
