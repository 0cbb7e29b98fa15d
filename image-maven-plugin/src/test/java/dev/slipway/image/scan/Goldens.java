package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.TreeSet;

/** Trivy's golden reports in src/test/resources/trivy (see the README there for their origin). */
public final class Goldens {
  private Goldens() {}

  public static Path path(String name) {
    try {
      return Path.of(Goldens.class.getResource("/trivy/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("no golden file " + name, e);
    }
  }

  /** Copies a golden file to {@code dir} (from a jar too: the end-to-end tests read them from the test-jar). */
  public static Path extract(String name, Path dir) throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir);
    Path target = dir.resolve(name);
    try (java.io.InputStream in = Goldens.class.getResourceAsStream("/trivy/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no golden file " + name);
      }
      java.nio.file.Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  static JsonNode json(String name) throws Exception {
    return Json.mapper().readTree(path(name).toFile());
  }

  /** "id pkg installed" of every vulnerability in a golden JSON report. */
  static TreeSet<String> vulnerabilities(String name) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (JsonNode r : json(name).path("Results")) {
      for (JsonNode v : r.path("Vulnerabilities")) {
        out.add(v.path("VulnerabilityID").asText() + " " + v.path("PkgName").asText() + " "
            + v.path("InstalledVersion").asText());
      }
    }
    return out;
  }

  static String key(Finding f) {
    return f.vulnerabilityId() + " " + f.pkgName() + " " + f.installedVersion();
  }
}
