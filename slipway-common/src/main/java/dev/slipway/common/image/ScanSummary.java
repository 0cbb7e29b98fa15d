package dev.slipway.common.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The hand-over file {@code target/slipway/scan/scan.json} that {@code image:scan} writes and later goals and CI
 * jobs read (a deploy gate needs only {@link #digest} and {@link #verdict}). Schema version 1; documented in the
 * project site ("scan.json") beside image.json.
 *
 * @param digest the image digest that was scanned (image.json's {@code digest}: the OCI index)
 * @param verdict {@code pass} or {@code fail}: the policy's answer, also in warn-only mode
 * @param warnOnly true when a {@code fail} verdict did not fail the build
 * @param scannedAt when the scan finished (ISO-8601)
 * @param input {@code image} (every platform scanned) or {@code sbom} (the CycloneDX SBOM scanned)
 * @param engine {@code container} or {@code binary}
 * @param server the Trivy server's URL when the scan ran as its client
 * @param database the vulnerability DB the findings come from; null when Trivy could not tell
 * @param platforms one entry per platform, in image.json's order
 * @param failing every finding that failed the policy
 * @param suppressions the suppressions that applied, those that expired, those that matched nothing
 * @param reports file names, relative to scan.json's directory
 */
public record ScanSummary(
    int schemaVersion,
    String digest,
    String repository,
    String reference,
    String verdict,
    boolean warnOnly,
    String scannedAt,
    String input,
    String engine,
    String server,
    String trivyVersion,
    Database database,
    Policy policy,
    List<Platform> platforms,
    List<Failing> failing,
    Suppressions suppressions,
    Reports reports) {

  public static final int SCHEMA_VERSION = 1;
  public static final String PASS = "pass";
  public static final String FAIL = "fail";

  /** The vulnerability DB: its upstream build time, when this cache got it, and its age at scan time in hours. */
  public record Database(String updatedAt, String downloadedAt, String nextUpdate, double ageHours) {}

  /** The policy that decided: severities that fail, unfixed ignored, the oldest DB allowed (ISO-8601, or null). */
  public record Policy(List<String> failOn, boolean ignoreUnfixed, String maxDbAge) {}

  /**
   * One platform: its manifest digest, the findings by severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN; every
   * finding Trivy reported), and how many failed, were suppressed, were ignored as unfixed.
   */
  public record Platform(String platform, String digest, Map<String, Integer> counts, int failing, int suppressed,
      int ignoredUnfixed) {}

  /** A failing finding, once per vulnerability and package, with every platform it is on. */
  public record Failing(String id, String severity, @JsonProperty("package") String pkg, String installedVersion,
      String fixedVersion, List<String> platforms) {}

  /** Suppressions, each with where it is written and how many findings it matched. */
  public record Suppressions(List<Suppression> used, List<Suppression> expired, List<Suppression> unused) {}

  public record Suppression(String id, String reason, String expires, String source, int matched) {}

  public record Reports(String sarif, String markdown, List<String> trivy) {}

  public ScanSummary {
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
    failing = failing == null ? List.of() : List.copyOf(failing);
  }

  public boolean passed() {
    return PASS.equals(verdict);
  }

  public void write(Path file) throws IOException {
    Json.writeFile(file, this);
  }

  public static ScanSummary read(Path file) throws InvalidInputException {
    ScanSummary s = Json.readFile(file, ScanSummary.class, "a scan.json written by image:scan");
    if (s.schemaVersion() != SCHEMA_VERSION) {
      throw new InvalidInputException(file + ": /schemaVersion is " + s.schemaVersion() + ", this Slipway reads "
          + "version " + SCHEMA_VERSION + " (scan again with image:scan)");
    }
    if (s.digest() == null || !(PASS.equals(s.verdict()) || FAIL.equals(s.verdict()))) {
      throw new InvalidInputException(file + ": /digest and /verdict (pass or fail) are required (scan again with "
          + "image:scan)");
    }
    return s;
  }
}
