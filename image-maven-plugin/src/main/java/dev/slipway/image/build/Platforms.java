package dev.slipway.image.build;

import com.google.cloud.tools.jib.api.buildplan.Platform;
import dev.slipway.common.InvalidInputException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Parses {@code os/arch} platform lists as {@code image.platforms} takes them. */
public final class Platforms {
  static final List<String> OSES = List.of("linux", "windows");
  static final List<String> ARCHES = List.of("amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64");

  private Platforms() {}

  public static Set<Platform> parse(String value) throws InvalidInputException {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException("image.platforms is empty: expected a comma-separated list of os/arch, "
          + "e.g. linux/amd64,linux/arm64");
    }
    Set<Platform> out = new LinkedHashSet<>();
    for (String raw : value.split(",")) {
      String p = raw.strip();
      if (p.isEmpty()) {
        continue;
      }
      String[] parts = p.split("/");
      if (parts.length != 2 || !OSES.contains(parts[0]) || !ARCHES.contains(parts[1])) {
        throw new InvalidInputException("image.platforms: '" + p + "' is not a platform: expected os/arch with os "
            + "one of " + OSES + " and arch one of " + ARCHES + " (e.g. linux/amd64,linux/arm64)");
      }
      out.add(new Platform(parts[1], parts[0]));
    }
    if (out.isEmpty()) {
      throw new InvalidInputException("image.platforms is empty: expected e.g. linux/amd64,linux/arm64");
    }
    return out;
  }

  public static String name(Platform p) {
    return p.getOs() + "/" + p.getArchitecture();
  }
}
