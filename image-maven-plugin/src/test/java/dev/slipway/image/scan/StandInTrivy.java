package dev.slipway.image.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stand-in trivy script (src/test/resources/scan/trivy-stand-in.sh) with its placeholders filled in: which
 * golden report it answers with per platform, the DB build time it "downloads", and what a server client must get.
 */
final class StandInTrivy {
  final Map<String, String> values = new LinkedHashMap<>();

  StandInTrivy(String amdGolden, String armGolden, String sbomGolden) {
    values.put("AMD_GOLDEN", amdGolden);
    values.put("ARM_GOLDEN", armGolden);
    values.put("SBOM_GOLDEN", sbomGolden);
    values.put("DB_UPDATED_AT", "2026-05-31T06:00:00Z");
    values.put("EXPECT_SERVER", "");
    values.put("EXPECT_TOKEN", "");
    values.put("EXIT_WITH", "0");
    values.put("INPUT_READ_ONLY", "false");
  }

  StandInTrivy set(String key, String value) {
    values.put(key, value);
    return this;
  }

  String text() throws IOException {
    String script;
    try (InputStream in = StandInTrivy.class.getResourceAsStream("/scan/trivy-stand-in.sh")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      script = script.replace("@" + e.getKey() + "@", e.getValue());
    }
    return script;
  }

  /** Writes the script as an executable {@code dir/trivy}. */
  Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("trivy");
    Files.writeString(file, text());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
