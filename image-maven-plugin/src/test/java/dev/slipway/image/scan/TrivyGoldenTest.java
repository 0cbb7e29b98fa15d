package dev.slipway.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trivy's own golden reports as inputs: our SARIF against Trivy's SARIF of the same scan, and our policy against
 * what Trivy itself left after the same filter (--severity, .trivyignore, --ignore-unfixed).
 */
class TrivyGoldenTest {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  static final Set<Severity> ALL = EnumSet.allOf(Severity.class);
  @TempDir Path tmp;

  static List<Finding> findings(String golden) throws Exception {
    return TrivyReport.read(Goldens.path(golden), "linux/amd64").findings();
  }

  @Test
  void ourSarifCarriesTrivysRulesResultsAndLevelsForTheSameScan() throws Exception {
    TrivyReport report = TrivyReport.read(Goldens.path("alpine-310.json.golden"), "linux/amd64");
    Policy.Result judged = new Policy(EnumSet.of(Severity.CRITICAL, Severity.HIGH), false, List.of())
        .apply(report.findings(), NOW);
    ObjectNode ours = new SarifWriter().write(report.artifactName(), null, report.trivyVersion(), judged.judged());
    JsonNode theirs = Goldens.json("alpine-310.sarif.golden");

    assertThat(ours.path("version")).isEqualTo(theirs.path("version"));
    assertThat(ours.path("$schema")).isEqualTo(theirs.path("$schema"));
    JsonNode ourRun = ours.path("runs").get(0);
    JsonNode theirRun = theirs.path("runs").get(0);
    JsonNode ourDriver = ourRun.path("tool").path("driver");
    JsonNode theirDriver = theirRun.path("tool").path("driver");
    for (String f : List.of("name", "fullName", "informationUri", "version")) {
      assertThat(ourDriver.path(f)).as(f).isEqualTo(theirDriver.path(f));
    }
    // the rules, field for field: ids, names, descriptions, help text and Markdown, levels, security-severity, CVSS
    assertThat(ourDriver.path("rules")).isEqualTo(theirDriver.path("rules"));
    assertThat(ourRun.path("columnKind")).isEqualTo(theirRun.path("columnKind"));

    JsonNode ourResults = ourRun.path("results");
    JsonNode theirResults = theirRun.path("results");
    assertThat(ourResults).hasSize(theirResults.size()).hasSize(4);
    for (int i = 0; i < theirResults.size(); i++) {
      JsonNode o = ourResults.get(i);
      JsonNode t = theirResults.get(i);
      assertThat(o.path("ruleId")).isEqualTo(t.path("ruleId"));
      assertThat(o.path("ruleIndex")).isEqualTo(t.path("ruleIndex"));
      assertThat(o.path("level")).isEqualTo(t.path("level"));
      assertThat(o.path("locations")).isEqualTo(t.path("locations"));
      // Trivy's message, then the image and platforms it was found on
      assertThat(o.path("message").path("text").asText()).startsWith(t.path("message").path("text").asText())
          .endsWith("\nPlatforms: linux/amd64");
      assertThat(o.path("properties").path("platforms").get(0).asText()).isEqualTo("linux/amd64");
      assertThat(o.path("properties").path("package").asText())
          .isEqualTo(t.path("message").path("text").asText().lines().findFirst().orElseThrow().substring(9));
    }
  }

  @Test
  void aFindingOnTwoPlatformsIsOneResultNamingBoth() throws Exception {
    List<Finding> amd = findings("alpine-310.json.golden");
    List<Finding> both = new java.util.ArrayList<>(amd);
    amd.forEach(f -> both.add(f.onPlatform("linux/arm64")));
    Policy.Result judged = new Policy(ALL, false, List.of()).apply(both, NOW);
    ObjectNode sarif = new SarifWriter().write("127.0.0.1:5000/team/app", "sha256:" + "a".repeat(64), "0.74.0",
        judged.judged());
    JsonNode results = sarif.path("runs").get(0).path("results");
    assertThat(results).hasSize(4);
    for (JsonNode r : results) {
      assertThat(r.path("properties").path("platforms").toString()).isEqualTo("[\"linux/amd64\",\"linux/arm64\"]");
      assertThat(r.path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText())
          .isEqualTo("team/app");
      assertThat(r.path("message").path("text").asText())
          .contains("\nImage: 127.0.0.1:5000/team/app@sha256:aaaa");
    }
    assertThat(SarifWriter.repositoryPath("alpine:3.19")).isEqualTo("library/alpine");
    assertThat(SarifWriter.repositoryPath("127.0.0.1:5000/team/app@sha256:00")).isEqualTo("team/app");
    assertThat(SarifWriter.repositoryPath("/slipway/input@sha256:00")).isNull();
  }

  @Test
  void failingOnHighAndCriticalFailsExactlyWhatTrivysSeverityFilterKeeps() throws Exception {
    Policy.Result r = new Policy(EnumSet.of(Severity.HIGH, Severity.CRITICAL), false, List.of())
        .apply(findings("alpine-39.json.golden"), NOW);
    TreeSet<String> failing = r.failing().stream().map(j -> Goldens.key(j.finding()))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(failing).isNotEmpty().isEqualTo(Goldens.vulnerabilities("alpine-39-high-critical.json.golden"));
    assertThat(r.pass()).isFalse();
    // the MEDIUM ones are reported, not failing; failing on nothing passes
    assertThat(r.judged()).filteredOn(j -> j.disposition() == Policy.Disposition.REPORTED).isNotEmpty();
    assertThat(new Policy(EnumSet.noneOf(Severity.class), false, List.of())
        .apply(findings("alpine-39.json.golden"), NOW).pass()).isTrue();
  }

  @Test
  void suppressionsLeaveExactlyWhatTrivysIgnoreFileLeaves() throws Exception {
    Path file = Files.writeString(tmp.resolve("scan-suppressions.yaml"), """
        suppressions:
          - id: CVE-2019-1549
            reason: the service never forks, so the RNG state is never shared
            expires: 2026-12-31
          - id: CVE-2019-14697
            reason: musl's x87 floating-point stack issue; no code on x87 here
            expires: 2026-12-31
          - id: CVE-2000-0001
            reason: kept for a platform we no longer build
            expires: 2026-12-31
        """);
    Policy.Result r = new Policy(ALL, false, Suppressions.load(file, null)).apply(findings("alpine-39.json.golden"), NOW);
    TreeSet<String> left = r.judged().stream().filter(j -> j.disposition() != Policy.Disposition.SUPPRESSED)
        .map(j -> Goldens.key(j.finding())).collect(Collectors.toCollection(TreeSet::new));
    assertThat(left).isEqualTo(Goldens.vulnerabilities("alpine-39-ignore-cveids.json.golden"));
    assertThat(r.used().keySet()).extracting(Suppressions.Suppression::id)
        .containsExactly("CVE-2019-1549", "CVE-2019-14697");
    assertThat(r.used().values()).allMatch(n -> n > 0);
    assertThat(r.unused()).extracting(Suppressions.Suppression::id).containsExactly("CVE-2000-0001");
  }

  @Test
  void ignoringUnfixedLeavesExactlyWhatTrivysIgnoreUnfixedLeaves() throws Exception {
    Policy.Result r = new Policy(ALL, true, List.of()).apply(findings("debian-buster.json.golden"), NOW);
    TreeSet<String> failing = r.failing().stream().map(j -> Goldens.key(j.finding()))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(failing).isEqualTo(Goldens.vulnerabilities("debian-buster-ignore-unfixed.json.golden"));
    assertThat(r.judged()).filteredOn(j -> j.disposition() == Policy.Disposition.UNFIXED_IGNORED).hasSize(1);
    // without ignoreUnfixed the unfixed one fails too
    assertThat(new Policy(ALL, false, List.of()).apply(findings("debian-buster.json.golden"), NOW).failing())
        .hasSize(Goldens.vulnerabilities("debian-buster.json.golden").size());
  }

  @Test
  void anExpiredSuppressionStopsSuppressingAndIsNamed() throws Exception {
    Path file = Files.writeString(tmp.resolve("s.yaml"), """
        suppressions:
          - id: CVE-2019-14697
            reason: accepted until the base image moves to 3.10
            expires: 2026-03-31
        """);
    List<Suppressions.Suppression> s = Suppressions.load(file, null);
    Policy critical = new Policy(EnumSet.of(Severity.CRITICAL), false, s);
    Policy.Result before = critical.apply(findings("alpine-39.json.golden"), Instant.parse("2026-03-30T23:59:59Z"));
    Policy.Result after = critical.apply(findings("alpine-39.json.golden"), Instant.parse("2026-03-31T00:00:01Z"));
    assertThat(before.failing()).extracting(j -> j.finding().vulnerabilityId()).doesNotContain("CVE-2019-14697");
    assertThat(after.failing()).extracting(j -> j.finding().vulnerabilityId()).contains("CVE-2019-14697");
    assertThat(after.expired()).hasSize(1);
    assertThat(after.expired().keySet().iterator().next().where()).isEqualTo("s.yaml#/suppressions/0");
    assertThat(after.expired().values().iterator().next()).isPositive();
    assertThat(after.used()).isEmpty();
  }

  @Test
  void trivysIgnoreFileIsReadAsTrivyReadsIt() throws Exception {
    Path file = Files.writeString(tmp.resolve(".trivyignore.yaml"), """
        vulnerabilities:
          - id: CVE-2019-1549
            purls:
              - "pkg:apk/alpine/libssl1.1"
            statement: only libssl's copy is unreachable
          - id: CVE-2019-1551
            expired_at: 2020-01-01
          - id: CVE-2019-1563
        misconfigurations:
          - id: AVD-DS-0002
        """);
    List<Suppressions.Suppression> s = Suppressions.load(null, file);
    assertThat(s).extracting(Suppressions.Suppression::id).containsExactly("CVE-2019-1549", "CVE-2019-1551",
        "CVE-2019-1563");
    Policy.Result r = new Policy(ALL, false, s).apply(findings("alpine-310.json.golden"), NOW);
    // CVE-2019-1549 only for libssl1.1 (the purl constraint, no version: any version), not libcrypto1.1;
    // CVE-2019-1551's entry expired in 2020
    assertThat(r.judged()).filteredOn(j -> j.disposition() == Policy.Disposition.SUPPRESSED)
        .extracting(j -> Goldens.key(j.finding())).containsExactly("CVE-2019-1549 libssl1.1 1.1.1c-r0");
    assertThat(r.expired().keySet()).extracting(Suppressions.Suppression::id).containsExactly("CVE-2019-1551");
    assertThat(r.unused()).extracting(Suppressions.Suppression::id).containsExactly("CVE-2019-1563");
  }

  @Test
  void aSuppressionWithoutReasonOrExpiryOrWithATypoIsRejectedWithItsPlace() throws Exception {
    Path noReason = Files.writeString(tmp.resolve("a.yaml"),
        "suppressions:\n  - id: CVE-1\n    reason: ok\n    expires: 2026-01-01\n  - id: CVE-2\n    expires: 2026-01-01\n");
    assertThatThrownBy(() -> Suppressions.load(noReason, null)).isInstanceOf(InvalidInputException.class)
        .hasMessage(noReason + ": /suppressions/1/reason: missing (every suppression needs id, reason and expires: "
            + "YYYY-MM-DD)");
    Path typo = Files.writeString(tmp.resolve("b.yaml"),
        "suppressions:\n  - id: CVE-1\n    reason: ok\n    expiry: 2026-01-01\n");
    assertThatThrownBy(() -> Suppressions.load(typo, null))
        .hasMessageContaining("/suppressions/0/expiry: unknown field; accepted: id, reason, expires");
    Path badDate = Files.writeString(tmp.resolve("c.yaml"),
        "suppressions:\n  - id: CVE-1\n    reason: ok\n    expires: 31.12.2026\n");
    assertThatThrownBy(() -> Suppressions.load(badDate, null))
        .hasMessageContaining("/suppressions/0/expires: '31.12.2026' is not a date (YYYY-MM-DD)");
    Path notYaml = Files.writeString(tmp.resolve("d.yaml"), "suppressions: [\n  - id: x\n");
    assertThatThrownBy(() -> Suppressions.load(notYaml, null)).hasMessageStartingWith(notYaml + ":")
        .hasMessageContaining("not YAML");
  }
}
