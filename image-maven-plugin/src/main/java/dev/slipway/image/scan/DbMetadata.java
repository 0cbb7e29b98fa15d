package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Trivy's vulnerability DB as its metadata describes it ({@code <cache>/db/metadata.json}, or the
 * {@code VulnerabilityDB} object of a server's {@code /version}): when it was built upstream ({@code UpdatedAt}),
 * when this cache downloaded it, when the next build is due. Its age is measured from {@code UpdatedAt}: that is
 * how old the advisories are, however recently a mirror handed the DB over.
 */
public record DbMetadata(int version, Instant updatedAt, Instant downloadedAt, Instant nextUpdate) {

  public Duration age(Instant now) {
    return Duration.between(updatedAt, now);
  }

  /** The metadata in a Trivy cache directory; null when the cache holds no DB yet. */
  public static DbMetadata readCache(Path cacheDir) throws IOException {
    Path file = cacheDir.resolve("db").resolve("metadata.json");
    try {
      return fromJson(Json.mapper().readTree(Files.readAllBytes(file)), file.toString());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** {@code {"Version":2,"NextUpdate":"…","UpdatedAt":"…","DownloadedAt":"…"}}; null when it names no build time. */
  public static DbMetadata fromJson(JsonNode node, String where) throws IOException {
    if (node == null || node.isMissingNode() || node.isNull() || !node.hasNonNull("UpdatedAt")) {
      return null;
    }
    try {
      return new DbMetadata(node.path("Version").asInt(), Instant.parse(node.get("UpdatedAt").asText()),
          instant(node, "DownloadedAt"), instant(node, "NextUpdate"));
    } catch (DateTimeParseException e) {
      throw new IOException(where + ": the vulnerability DB metadata has an unreadable time (" + e.getMessage()
          + ")", e);
    }
  }

  private static Instant instant(JsonNode node, String field) {
    return node.hasNonNull(field) ? Instant.parse(node.get(field).asText()) : null;
  }
}
