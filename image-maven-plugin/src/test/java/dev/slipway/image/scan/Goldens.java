package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.TreeSet;

/** Trivy's golden reports in src/test/resources/trivy (see the README there for their origin). */
final class Goldens {
  private Goldens() {}

  static Path path(String name) {
    try {
      return Path.of(Goldens.class.getResource("/trivy/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("no golden file " + name, e);
    }
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
