package dev.slipway.image.sbom;

import java.util.List;

/** The Java application in the image: the project's artifact and its resolved runtime dependencies. */
public record Application(MavenComponent project, List<MavenComponent> dependencies) {
  public Application {
    dependencies = List.copyOf(dependencies);
  }
}
