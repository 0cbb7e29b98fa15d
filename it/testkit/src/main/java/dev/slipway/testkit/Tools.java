package dev.slipway.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the outside programs the test kit drives, and fails with the package to install when one is missing. */
public final class Tools {
  private Tools() {}

  /** The path of {@code command} on the PATH (or /usr/sbin, /usr/bin), or an error naming the Debian package. */
  public static Path require(String command, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "'" + command + "' is not installed: install the Debian package '" + debianPackage
            + "' (apt-get install -y " + debianPackage + "; .ci/run does this)");
  }
}
