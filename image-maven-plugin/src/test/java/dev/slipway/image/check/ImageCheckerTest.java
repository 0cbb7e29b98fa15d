package dev.slipway.image.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.image.sbom.ResolvedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageCheckerTest {
  static final String DIGEST = "sha256:" + "a".repeat(64);

  /** A platform image with the given runtime config (as JSON) and layer sizes. */
  static ResolvedImage.Platform platform(String arch, String runtimeConfigJson, long... layerSizes)
      throws Exception {
    ObjectNode config = Json.mapper().createObjectNode();
    config.put("os", "linux").put("architecture", arch);
    config.set("config", Json.mapper().readTree(runtimeConfigJson));
    List<ResolvedImage.Layer> layers = new ArrayList<>();
    for (long s : layerSizes) {
      layers.add(new ResolvedImage.Layer("sha256:" + "b".repeat(64), "application/vnd.oci.image.layer.v1.tar+gzip",
          s));
    }
    return new ResolvedImage.Platform("linux", arch, null, "sha256:" + "c".repeat(64),
        "application/vnd.oci.image.manifest.v1+json", 500, "sha256:" + "d".repeat(64), 1500, config, layers);
  }

  static final String GOOD = """
      {"User":"65532","Env":["JAVA_TOOL_OPTIONS=-Xss1m","DB_PASSWORD_FILE=/run/secrets/db","API_KEY_PATH=/k"],
       "Labels":{"org.opencontainers.image.title":"hello","org.opencontainers.image.version":"1.0"},
       "ExposedPorts":{"8080/tcp":{}}}
      """;

  static CheckConfig config(Map<Rule, Severity> overrides, String base, String... ports) {
    Map<Rule, Severity> sev = new EnumMap<>(Rule.class);
    for (Rule r : Rule.values()) {
      sev.put(r, r.defaultSeverity());
    }
    sev.putAll(overrides);
    return new CheckConfig(150_000_000L, List.of("org.opencontainers.image.title", "org.opencontainers.image.version"),
        List.of("linux/amd64", "linux/arm64"), List.of(ports), base, sev);
  }

  static CheckReport check(CheckConfig config, ResolvedImage.Platform... platforms) {
    return new ImageChecker().check("reg/app", new ResolvedImage(DIGEST, "application/vnd.oci.image.index.v1+json",
        List.of(platforms)), config);
  }

  static CheckReport.Result only(CheckReport report, Rule rule, String platform) {
    return report.results().stream()
        .filter(r -> r.rule().equals(rule.id()) && (platform == null || platform.equals(r.platform())))
        .findFirst().orElseThrow();
  }

  @Test
  void aWellFormedImagePassesEveryRule() throws Exception {
    CheckReport r = check(config(Map.of(), "debian@sha256:" + "e".repeat(64), "8080"),
        platform("amd64", GOOD, 40_000_000), platform("arm64", GOOD, 39_000_000));
    assertThat(r.passed()).isTrue();
    assertThat(r.results()).allSatisfy(x -> assertThat(x.status()).isEqualTo(CheckReport.Status.PASS));
    assertThat(r.results()).hasSize(2 * 5 + 2);
  }

  @Test
  void nonRoot() throws Exception {
    for (String user : List.of("", "root", "0", "0:0", "root:staff")) {
      String cfg = GOOD.replace("\"User\":\"65532\"", "\"User\":\"" + user + "\"");
      CheckReport r = check(config(Map.of(), null, "8080"), platform("amd64", cfg, 1));
      assertThat(only(r, Rule.NON_ROOT, "linux/amd64").status()).as("User=%s", user)
          .isEqualTo(CheckReport.Status.FAIL);
      assertThat(r.passed()).isFalse();
    }
    for (String user : List.of("65532", "nonroot", "1000:1000")) {
      String cfg = GOOD.replace("\"User\":\"65532\"", "\"User\":\"" + user + "\"");
      assertThat(only(check(config(Map.of(), null, "8080"), platform("amd64", cfg, 1)), Rule.NON_ROOT, null)
          .status()).as("User=%s", user).isEqualTo(CheckReport.Status.PASS);
    }
  }

  @Test
  void maxSizeCountsManifestConfigAndLayersPerPlatform() throws Exception {
    // 500 (manifest) + 1500 (config) + layers
    CheckReport exact = check(config(Map.of(), null, "8080"), platform("amd64", GOOD, 149_998_000));
    assertThat(only(exact, Rule.MAX_SIZE, null).status()).isEqualTo(CheckReport.Status.PASS);
    CheckReport over = check(config(Map.of(), null, "8080"), platform("amd64", GOOD, 149_998_001),
        platform("arm64", GOOD, 10));
    assertThat(only(over, Rule.MAX_SIZE, "linux/amd64").status()).isEqualTo(CheckReport.Status.FAIL);
    assertThat(only(over, Rule.MAX_SIZE, "linux/amd64").message()).contains("exceeds 150.0 MB");
    assertThat(only(over, Rule.MAX_SIZE, "linux/arm64").status()).isEqualTo(CheckReport.Status.PASS);
  }

  @Test
  void requiredLabels() throws Exception {
    String cfg = GOOD.replace("\"org.opencontainers.image.version\":\"1.0\"", "\"other\":\"x\"");
    CheckReport r = check(config(Map.of(), null, "8080"), platform("amd64", cfg, 1));
    assertThat(only(r, Rule.REQUIRED_LABELS, null).status()).isEqualTo(CheckReport.Status.FAIL);
    assertThat(only(r, Rule.REQUIRED_LABELS, null).message()).contains("org.opencontainers.image.version");
  }

  @Test
  void requestedPlatformsMustBePresent() throws Exception {
    CheckReport r = check(config(Map.of(), null, "8080"), platform("amd64", GOOD, 1));
    assertThat(only(r, Rule.PLATFORMS, null).status()).isEqualTo(CheckReport.Status.FAIL);
    assertThat(only(r, Rule.PLATFORMS, null).message()).contains("[linux/arm64] are missing");
  }

  @Test
  void basePinnedWarnsByDefaultAndFailsWhenConfiguredToError() throws Exception {
    CheckReport tag = check(config(Map.of(), "eclipse-temurin:17-jre", "8080"), platform("amd64", GOOD, 1),
        platform("arm64", GOOD, 1));
    CheckReport.Result res = only(tag, Rule.BASE_PINNED, null);
    assertThat(res.status()).isEqualTo(CheckReport.Status.FAIL);
    assertThat(res.severity()).isEqualTo(Severity.WARN);
    assertThat(res.message()).contains("image.from=eclipse-temurin@sha256:<digest>");
    assertThat(tag.passed()).isTrue();
    CheckReport strict = check(config(Map.of(Rule.BASE_PINNED, Severity.ERROR), "eclipse-temurin:17-jre", "8080"),
        platform("amd64", GOOD, 1), platform("arm64", GOOD, 1));
    assertThat(strict.passed()).isFalse();
    assertThat(strict.violations()).extracting(CheckReport.Result::rule).containsExactly("basePinned");
    assertThat(only(check(config(Map.of(), "scratch", "8080"), platform("amd64", GOOD, 1)), Rule.BASE_PINNED,
        null).status()).isEqualTo(CheckReport.Status.PASS);
  }

  @Test
  void literalSecretsInTheEnvironmentFailWithoutShowingTheValue() throws Exception {
    String cfg = GOOD.replace("\"JAVA_TOOL_OPTIONS=-Xss1m\"",
        "\"JAVA_TOOL_OPTIONS=-Xss1m\",\"DB_PASSWORD=hunter2-canary\",\"GITHUB_TOKEN=ghp_canary123\","
            + "\"EMPTY_SECRET=\",\"signing_key=abc-canary\"");
    CheckReport r = check(config(Map.of(), null, "8080"), platform("amd64", cfg, 1));
    CheckReport.Result res = only(r, Rule.NO_SECRET_ENV, null);
    assertThat(res.status()).isEqualTo(CheckReport.Status.FAIL);
    assertThat(res.message()).contains("DB_PASSWORD", "GITHUB_TOKEN", "signing_key").doesNotContain("EMPTY_SECRET")
        .doesNotContain("hunter2").doesNotContain("ghp_canary").doesNotContain("abc-canary");
    assertThat(Json.write(r)).doesNotContain("canary");
  }

  @Test
  void portsMustMatchWhenGivenAndExistOtherwise() throws Exception {
    assertThat(only(check(config(Map.of(), null, "8080", "9000-9001/udp"), platform("amd64", GOOD, 1)),
        Rule.PORTS, null).message()).contains("expects [8080/tcp, 9000/udp, 9001/udp]");
    String none = GOOD.replace(",\n \"ExposedPorts\":{\"8080/tcp\":{}}", "").replace("\"ExposedPorts\":{\"8080/tcp\":{}}", "\"X\":1");
    CheckReport r = check(config(Map.of(), null), platform("amd64", none, 1));
    assertThat(only(r, Rule.PORTS, null).status()).isEqualTo(CheckReport.Status.FAIL);
    CheckReport off = check(config(Map.of(Rule.PORTS, Severity.OFF), null), platform("amd64", none, 1));
    assertThat(only(off, Rule.PORTS, null).status()).isEqualTo(CheckReport.Status.SKIPPED);
  }

  @Test
  void severitiesAndSizesParseWithErrorsNamingTheParameter() throws Exception {
    Map<Rule, Severity> s = Severity.parseOverrides("basePinned=error, ports=off", "image.check.severities");
    assertThat(s).containsEntry(Rule.BASE_PINNED, Severity.ERROR).containsEntry(Rule.PORTS, Severity.OFF)
        .containsEntry(Rule.NON_ROOT, Severity.ERROR);
    assertThatThrownBy(() -> Severity.parseOverrides("rootUser=error", "image.check.severities"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("image.check.severities")
        .hasMessageContaining("unknown rule 'rootUser'").hasMessageContaining("nonRoot");
    assertThatThrownBy(() -> Severity.parseOverrides("nonRoot=fatal", "image.check.severities"))
        .hasMessageContaining("error, warn, off");
    assertThat(ByteSize.parse("150MB", "p")).isEqualTo(150_000_000L);
    assertThat(ByteSize.parse("1.5GB", "p")).isEqualTo(1_500_000_000L);
    assertThat(ByteSize.parse("200MiB", "p")).isEqualTo(200L << 20);
    assertThatThrownBy(() -> ByteSize.parse("150 megs", "image.check.maxSize"))
        .hasMessageContaining("image.check.maxSize = '150 megs'");
  }
}
