package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Trivy JSON report (schema version 2: {@code Trivy.Version}, {@code ArtifactName}, {@code Metadata},
 * {@code Results[].Vulnerabilities[]}) read into {@link Finding}s of one platform.
 *
 * @param trivyVersion {@code Trivy.Version}, null in reports older than that field
 * @param os {@code Metadata.OS.Family Name}, e.g. {@code debian 12.5}; null when Trivy found no OS
 */
public record TrivyReport(Path file, String trivyVersion, String artifactName, String os, List<Finding> findings) {

  public TrivyReport {
    findings = List.copyOf(findings);
  }

  public static TrivyReport read(Path file, String platform) throws InvalidInputException {
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": Trivy wrote no report", e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      throw new InvalidInputException(file + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
          + ": not a Trivy JSON report (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read the Trivy report (" + e.getMessage() + ")", e);
    }
    if (root.path("SchemaVersion").asInt() != 2) {
      throw new InvalidInputException(file + ": /SchemaVersion is " + root.path("SchemaVersion")
          + ", Slipway reads Trivy's JSON report version 2 (Trivy 0.20 and later)");
    }
    List<Finding> findings = new ArrayList<>();
    JsonNode results = root.path("Results");
    for (int r = 0; r < results.size(); r++) {
      JsonNode result = results.get(r);
      JsonNode vulns = result.path("Vulnerabilities");
      for (int v = 0; v < vulns.size(); v++) {
        JsonNode vuln = vulns.get(v);
        String id = text(vuln, "VulnerabilityID");
        if (id == null || id.isEmpty()) {
          throw new InvalidInputException(file + ": /Results/" + r + "/Vulnerabilities/" + v
              + "/VulnerabilityID is missing");
        }
        String source = text(vuln, "SeveritySource");
        JsonNode cvss = source == null ? null : vuln.path("CVSS").get(source);
        findings.add(new Finding(platform, text(result, "Target"), text(result, "Class"), text(result, "Type"), id,
            text(vuln, "PkgID"), text(vuln, "PkgName"), text(vuln, "PkgPath"),
            text(vuln.path("PkgIdentifier"), "PURL"), text(vuln.path("PkgIdentifier"), "BOMRef"),
            text(vuln, "InstalledVersion"), text(vuln, "FixedVersion"), orEmpty(text(vuln, "Status")),
            Severity.of(text(vuln, "Severity")), source, text(vuln, "Title"), text(vuln, "Description"),
            text(vuln, "PrimaryURL"), cvss));
      }
    }
    JsonNode os = root.path("Metadata").path("OS");
    String osName = os.isMissingNode() ? null : (os.path("Family").asText("") + " " + os.path("Name").asText(""))
        .strip();
    return new TrivyReport(file, text(root.path("Trivy"), "Version"), text(root, "ArtifactName"),
        osName == null || osName.isEmpty() ? null : osName, findings);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
