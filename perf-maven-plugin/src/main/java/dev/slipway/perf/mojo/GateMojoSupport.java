package dev.slipway.perf.mojo;

import dev.slipway.common.Log;

/** What perf:compare and perf:baseline share: Maven's log behind Slipway's small {@link Log} interface. */
final class GateMojoSupport {
  private GateMojoSupport() {}

  /**
   * {@code file}, or {@code fallback} under the working directory when Maven left a {@code ${...}} expression
   * unresolved (a goal run without a project has no {@code project.basedir}).
   */
  static java.nio.file.Path path(java.io.File file, String fallback) {
    if (file == null) {
      return null;
    }
    if (file.getPath().contains("${")) {
      return java.nio.file.Path.of(fallback).toAbsolutePath();
    }
    return file.toPath();
  }

  static Log log(org.apache.maven.plugin.logging.Log maven) {
    return new dev.slipway.common.mojo.MavenLog(maven);
  }
}
