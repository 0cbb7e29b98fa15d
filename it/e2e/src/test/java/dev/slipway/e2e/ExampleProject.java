package dev.slipway.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** A fresh copy of {@code examples/hello-service} (without {@code target/}) to build in a forked Maven. */
final class ExampleProject {
  private ExampleProject() {}

  static Path root() {
    String root = System.getProperty("slipway.root");
    if (root == null) {
      throw new IllegalStateException("slipway.root is not set: run the end-to-end tests with ./mvnw verify");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  static Path copy(String example, Path into) throws IOException {
    Path source = root().resolve("examples").resolve(example);
    Path target = into.resolve(example);
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : walk.toList()) {
        Path rel = source.relativize(p);
        if (rel.startsWith("target")) {
          continue;
        }
        Path dest = target.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }
}
