package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One vulnerability Trivy reported, with the platform it was found on (Trivy scans one platform per run; the
 * merged result keeps which). The fields are Trivy's JSON report's ({@code Results[].Vulnerabilities[]} and the
 * enclosing result's {@code Target}, {@code Class}, {@code Type}); {@code cvss} is the {@code CVSS} entry of the
 * severity's source, as Trivy's SARIF writer reads it.
 *
 * @param status Trivy's status: {@code fixed}, {@code affected}, {@code will_not_fix}, ...; empty when unknown
 */
public record Finding(String platform, String target, String resultClass, String resultType,
    String vulnerabilityId, String pkgId, String pkgName, String pkgPath, String purl, String bomRef,
    String installedVersion, String fixedVersion, String status, Severity severity, String severitySource,
    String title, String description, String primaryUrl, JsonNode cvss) {

  /** Trivy's {@code --ignore-unfixed} keeps only findings whose status is {@code fixed}. */
  public boolean fixed() {
    return "fixed".equals(status);
  }

  /** The same finding on another platform (an SBOM scan sees each package once). */
  public Finding onPlatform(String other) {
    return new Finding(other, target, resultClass, resultType, vulnerabilityId, pkgId, pkgName, pkgPath, purl, bomRef,
        installedVersion, fixedVersion, status, severity, severitySource, title, description, primaryUrl, cvss);
  }
}
