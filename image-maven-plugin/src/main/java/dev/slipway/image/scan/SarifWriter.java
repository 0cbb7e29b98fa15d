package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SARIF 2.1.0 for GitHub code scanning, with the same rules, results and levels Trivy's own SARIF writer
 * ({@code trivy -f sarif}) produces for the same findings, so an upload replaces Trivy's without changing alerts:
 *
 * <ul>
 *   <li>one rule per vulnerability id: name {@code OsPackageVulnerability} or
 *       {@code LanguageSpecificPackageVulnerability} (by Trivy's result class), short description = title, full
 *       description = description (else title), help text and Markdown as Trivy writes them, default level
 *       {@code error} (CRITICAL, HIGH), {@code warning} (MEDIUM), {@code note} (LOW, UNKNOWN); properties
 *       {@code tags}, {@code precision: very-high}, {@code security-severity} (the CVSS v3 score of the severity's
 *       source, else 9.5 / 8.0 / 5.5 / 2.0 / 0.0 by severity) and the CVSS vectors and scores. As in Trivy, a rule's
 *       fields come from the last finding with that id;</li>
 *   <li>one result per finding, message and location as Trivy writes them: the location is the image's repository
 *       path (as Trivy names a registry image, e.g. {@code team/hello-service}) for OS packages, the package's path
 *       for language packages. A finding present on several platforms is one result naming them all (an
 *       {@code arch=all} package would otherwise be several alerts for one fix). The message adds the image and its
 *       platforms; result properties name image, platforms and package;</li>
 *   <li>suppressed findings carry a SARIF {@code suppressions} entry with the reason.</li>
 * </ul>
 */
public final class SarifWriter {
  static final String SCHEMA =
      "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json";
  private static final Pattern TARGET_PATH = Pattern.compile("(.+?)(?:\\s*\\((?:.*?)\\).*?)?$");
  private static final Pattern REPO_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

  /**
   * @param imageName the image as it is named in locations ({@code registry/repository}, or Trivy's artifact name)
   * @param digest the image digest, or null
   * @param trivyVersion the Trivy that found the findings, the SARIF tool's version
   */
  public ObjectNode write(String imageName, String digest, String trivyVersion, List<Policy.Judged> judged) {
    ObjectNode doc = Json.mapper().createObjectNode();
    doc.put("version", "2.1.0");
    doc.put("$schema", SCHEMA);
    ObjectNode run = doc.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("fullName", "Trivy Vulnerability Scanner");
    driver.put("informationUri", "https://github.com/aquasecurity/trivy");
    driver.put("name", "Trivy");
    ArrayNode rulesNode = driver.putArray("rules");
    driver.put("version", trivyVersion == null ? "" : trivyVersion);

    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    Map<String, ObjectNode> rules = new LinkedHashMap<>();
    Map<String, MergedResult> results = new LinkedHashMap<>();
    String imageUri = toPathUri(imageName, "os-pkgs");
    for (Policy.Judged j : judged) {
      Finding f = j.finding();
      String id = f.vulnerabilityId();
      ruleIndex.computeIfAbsent(id, k -> ruleIndex.size());
      rules.put(id, rule(f)); // the last finding with this id wins, as in Trivy
      String uri = "os-pkgs".equals(f.resultClass()) ? imageUri
          : toPathUri(f.pkgPath() != null && !f.pkgPath().isEmpty() ? f.pkgPath() : f.target(), f.resultClass());
      String key = String.join("\u0000", id, uri, nz(f.pkgName()), nz(f.installedVersion()), nz(f.fixedVersion()),
          j.by() == null ? "" : j.by().where());
      results.computeIfAbsent(key, k -> new MergedResult(j, uri, ruleIndex.get(id))).platforms.add(f.platform());
    }
    rules.values().forEach(rulesNode::add);

    ArrayNode resultsNode = run.putArray("results");
    for (MergedResult r : results.values()) {
      resultsNode.add(result(r, imageName, digest));
    }
    run.put("columnKind", "utf16CodeUnits");
    ObjectNode props = run.putObject("properties");
    props.put("imageName", imageName);
    if (digest != null) {
      props.put("imageDigest", digest);
      props.putArray("repoDigests").add(imageName + "@" + digest);
    }
    Set<String> platforms = new LinkedHashSet<>();
    judged.forEach(j -> platforms.add(j.finding().platform()));
    ArrayNode p = props.putArray("platforms");
    platforms.forEach(p::add);
    return doc;
  }

  private static final class MergedResult {
    final Policy.Judged first;
    final String uri;
    final int ruleIndex;
    final Set<String> platforms = new LinkedHashSet<>();

    MergedResult(Policy.Judged first, String uri, int ruleIndex) {
      this.first = first;
      this.uri = uri;
      this.ruleIndex = ruleIndex;
    }
  }

  private static ObjectNode rule(Finding f) {
    ObjectNode r = Json.mapper().createObjectNode();
    String severity = f.severity().name();
    r.put("id", f.vulnerabilityId());
    r.put("name", "os-pkgs".equals(f.resultClass()) ? "OsPackageVulnerability"
        : "lang-pkgs".equals(f.resultClass()) ? "LanguageSpecificPackageVulnerability" : "UnknownIssue");
    r.putObject("shortDescription").put("text", nz(f.title()));
    String full = f.description() == null || f.description().isEmpty() ? nz(f.title()) : f.description();
    r.putObject("fullDescription").put("text", full);
    r.putObject("defaultConfiguration").put("level", level(f.severity()));
    if (f.primaryUrl() != null && !f.primaryUrl().isEmpty()) {
      r.put("helpUri", f.primaryUrl());
    }
    String id = f.vulnerabilityId();
    String url = nz(f.primaryUrl());
    ObjectNode help = r.putObject("help");
    help.put("text", "Vulnerability " + id + "\nSeverity: " + severity + "\nPackage: " + nz(f.pkgName())
        + "\nFixed Version: " + nz(f.fixedVersion()) + "\nLink: [" + id + "](" + url + ")\n" + nz(f.description()));
    help.put("markdown", "**Vulnerability " + id + "**\n| Severity | Package | Fixed Version | Link |\n"
        + "| --- | --- | --- | --- |\n|" + severity + "|" + nz(f.pkgName()) + "|" + nz(f.fixedVersion()) + "|["
        + id + "](" + url + ")|\n\n" + nz(f.description()));
    ObjectNode props = r.putObject("properties");
    props.putArray("tags").add("vulnerability").add("security").add(severity);
    props.put("precision", "very-high");
    props.put("security-severity", securitySeverity(f));
    JsonNode cvss = f.cvss();
    if (cvss != null && cvss.isObject()) {
      copy(cvss, "V2Vector", props, "cvssv2_vector");
      copy(cvss, "V2Score", props, "cvssv2_score");
      copy(cvss, "V3Vector", props, "cvssv3_vector");
      copy(cvss, "V3Score", props, "cvssv3_baseScore");
      copy(cvss, "V40Vector", props, "cvssv40_vector");
      copy(cvss, "V40Score", props, "cvssv40_baseScore");
    }
    return r;
  }

  private static ObjectNode result(MergedResult m, String imageName, String digest) {
    Finding f = m.first.finding();
    String id = f.vulnerabilityId();
    ObjectNode r = Json.mapper().createObjectNode();
    r.put("ruleId", id);
    r.put("ruleIndex", m.ruleIndex);
    r.put("level", level(f.severity()));
    String platforms = String.join(", ", m.platforms);
    r.putObject("message").put("text", "Package: " + nz(f.pkgName()) + "\nInstalled Version: "
        + nz(f.installedVersion()) + "\nVulnerability " + id + "\nSeverity: " + f.severity().name()
        + "\nFixed Version: " + nz(f.fixedVersion()) + "\nLink: [" + id + "](" + nz(f.primaryUrl()) + ")"
        + "\nImage: " + imageName + (digest == null ? "" : "@" + digest) + "\nPlatforms: " + platforms);
    ObjectNode loc = r.putArray("locations").addObject();
    ObjectNode physical = loc.putObject("physicalLocation");
    physical.putObject("artifactLocation").put("uri", m.uri).put("uriBaseId", "ROOTPATH");
    physical.putObject("region").put("startLine", 1).put("startColumn", 1).put("endLine", 1).put("endColumn", 1);
    loc.putObject("message").put("text", m.uri + ": " + nz(f.pkgName()) + "@" + nz(f.installedVersion()));
    if (m.first.by() != null) {
      r.putArray("suppressions").addObject().put("kind", "external").put("status", "accepted")
          .put("justification", m.first.by().reason() == null ? "suppressed by " + m.first.by().where()
              : m.first.by().reason());
    }
    ObjectNode props = r.putObject("properties");
    props.put("imageName", imageName);
    if (digest != null) {
      props.put("imageDigest", digest);
    }
    ArrayNode p = props.putArray("platforms");
    m.platforms.forEach(p::add);
    props.put("package", nz(f.pkgName()));
    props.put("installedVersion", nz(f.installedVersion()));
    props.put("fixedVersion", nz(f.fixedVersion()));
    if (f.purl() != null) {
      props.put("purl", f.purl());
    }
    props.put("disposition", m.first.disposition().name().toLowerCase(Locale.ROOT));
    return r;
  }

  static String level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, UNKNOWN -> "note";
    };
  }

  /** The CVSS v3 score of the severity's source with one decimal, else Trivy's score for the severity. */
  static String securitySeverity(Finding f) {
    JsonNode cvss = f.cvss();
    if (cvss != null && cvss.path("V3Score").isNumber() && cvss.path("V3Score").asDouble() != 0) {
      return cvss.path("V3Score").decimalValue().setScale(1, RoundingMode.HALF_EVEN).toPlainString();
    }
    return switch (f.severity()) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "2.0";
      case UNKNOWN -> "0.0";
    };
  }

  private static void copy(JsonNode cvss, String from, ObjectNode to, String name) {
    JsonNode v = cvss.get(from);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty()) || (v.isNumber() && v.asDouble() == 0)) {
      return;
    }
    to.set(name, v);
  }

  /**
   * Trivy's {@code ToPathUri}: for OS packages the target without its {@code (distro version)} suffix, and when that
   * is an image reference, its repository path ({@code alpine:3.19} → {@code library/alpine},
   * {@code 127.0.0.1:5000/team/app} → {@code team/app}); other targets as they are, backslashes as slashes.
   */
  static String toPathUri(String input, String resultClass) {
    if (input == null) {
      return "";
    }
    String s = input;
    if ("os-pkgs".equals(resultClass)) {
      Matcher m = TARGET_PATH.matcher(s);
      if (m.matches()) {
        s = m.group(1);
      }
      String repo = repositoryPath(s);
      if (repo != null) {
        s = repo;
      }
    }
    return s.replace('\\', '/');
  }

  /** The repository path of an image reference as go-containerregistry parses it; null when it is not one. */
  static String repositoryPath(String reference) {
    String ref = reference;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      ref = ref.substring(0, colon);
    }
    if (ref.isEmpty()) {
      return null;
    }
    String[] parts = ref.split("/", -1);
    List<String> repo = new ArrayList<>(List.of(parts));
    String first = parts[0];
    boolean registry = parts.length > 1 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (registry) {
      repo.remove(0);
    }
    for (String c : repo) {
      if (!REPO_COMPONENT.matcher(c).matches()) {
        return null;
      }
    }
    if (!registry && repo.size() == 1) {
      repo.add(0, "library");
    }
    return String.join("/", repo);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
