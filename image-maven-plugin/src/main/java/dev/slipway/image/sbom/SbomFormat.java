package dev.slipway.image.sbom;

import dev.slipway.common.InvalidInputException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The SBOM documents image:sbom can write. */
public enum SbomFormat {
  CYCLONEDX_JSON("cdx.json", "application/vnd.cyclonedx+json", "cyclonedx", "json"),
  CYCLONEDX_XML("cdx.xml", "application/vnd.cyclonedx+xml", "cyclonedx", "xml"),
  SPDX_JSON("spdx.json", "application/spdx+json", "spdx", "spdx.json");

  private final String extension;
  private final String mediaType;
  private final String classifier;
  private final String artifactType;

  SbomFormat(String extension, String mediaType, String classifier, String artifactType) {
    this.extension = extension;
    this.mediaType = mediaType;
    this.classifier = classifier;
    this.artifactType = artifactType;
  }

  /** File name suffix, e.g. {@code cdx.json}. */
  public String extension() {
    return extension;
  }

  public String mediaType() {
    return mediaType;
  }

  /** Classifier of the attached Maven artifact. */
  public String classifier() {
    return classifier;
  }

  /** Maven artifact type (the file extension in the repository). */
  public String artifactType() {
    return artifactType;
  }

  public static final String ACCEPTED = "cyclonedx (= cyclonedx-json), cyclonedx-json, cyclonedx-xml, "
      + "spdx (= spdx-json), spdx-json";

  /** Parses a comma-separated list such as {@code cyclonedx,spdx}. */
  public static Set<SbomFormat> parseList(String value, String parameter) throws InvalidInputException {
    Set<SbomFormat> out = EnumSet.noneOf(SbomFormat.class);
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(parameter + " is empty: expected a comma-separated list of " + ACCEPTED);
    }
    for (String raw : value.split(",")) {
      String v = raw.strip().toLowerCase(Locale.ROOT);
      switch (v) {
        case "cyclonedx", "cyclonedx-json", "cdx", "cdx-json" -> out.add(CYCLONEDX_JSON);
        case "cyclonedx-xml", "cdx-xml" -> out.add(CYCLONEDX_XML);
        case "spdx", "spdx-json" -> out.add(SPDX_JSON);
        case "" -> { }
        default -> throw new InvalidInputException(parameter + " = '" + value + "': unknown format '" + raw.strip()
            + "'; accepted: " + ACCEPTED);
      }
    }
    if (out.isEmpty()) {
      throw new InvalidInputException(parameter + " is empty: expected a comma-separated list of " + ACCEPTED);
    }
    return out;
  }
}
