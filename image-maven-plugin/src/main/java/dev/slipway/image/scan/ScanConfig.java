package dev.slipway.image.scan;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything {@link ImageScan} needs, validated: which Trivy runs and how (engine, image or binary, server), what it
 * reads (the image's platforms or the SBOM), where its database comes from (mirrors, update switches, the shared
 * cache), the policy (severities that fail, unfixed findings, suppressions, warn-only, the oldest acceptable DB)
 * and where reports go. Built from the goal's raw parameter values by {@link #from}, whose errors name the
 * parameter and the accepted values.
 *
 * @param trivyImage the Trivy image the container engine runs ({@code aquasec/trivy:0.74.0})
 * @param trivyBinary the trivy executable for the binary engine; null: {@code trivy} on the PATH
 * @param server the Trivy server to act as a client of; null: scan locally
 * @param token the server token; null: none
 * @param maxDbAge the oldest vulnerability DB (by its build time) that may decide; null: any
 * @param stepSummary where to append the Markdown report (GitHub's {@code GITHUB_STEP_SUMMARY}); null: nowhere
 * @param trivyEnv the caller's {@code TRIVY_*} environment, passed on to Trivy in a container as it is to a binary
 */
public record ScanConfig(Engine engine, Input input, String trivyImage, Path trivyBinary, URI server, Secret token,
    String tokenHeader, Path cacheDir, List<String> dbRepositories, List<String> javaDbRepositories,
    boolean skipDbUpdate, boolean skipJavaDbUpdate, boolean offline, Duration maxDbAge, Set<Severity> failOn,
    boolean ignoreUnfixed, Path suppressions, Path trivyIgnore, boolean warnOnly, Duration timeout,
    Path outputDirectory, Path sbom, Path stepSummary, Map<String, String> trivyEnv) {

  /** How Trivy is run. */
  public enum Engine {
    /** container wherever a Docker API endpoint answers, else binary. */
    AUTO,
    /** a Trivy image through Testcontainers. */
    CONTAINER,
    /** a trivy executable. */
    BINARY,
    /** as AUTO, as a client of the Trivy server that {@code image.scan.server} names (which is then required). */
    SERVER;

    static Engine parse(String text) throws InvalidInputException {
      return parseEnum(Engine.class, text, "image.scan.engine", "auto, container, binary, server");
    }
  }

  /** What Trivy scans. */
  public enum Input {
    /** every platform of the image in image.json, one Trivy run each. */
    IMAGE,
    /** the CycloneDX SBOM image:sbom wrote, in one Trivy run. */
    SBOM;

    static Input parse(String text) throws InvalidInputException {
      return parseEnum(Input.class, text, "image.scan.input", "image, sbom");
    }
  }

  /** Trivy's image by default, pinned; {@code image.scan.trivyVersion} changes the tag. */
  public static final String DEFAULT_TRIVY_IMAGE = "aquasec/trivy";
  public static final String DEFAULT_TRIVY_VERSION = "0.74.0";

  /**
   * The goal's parameters as Maven hands them over (strings, unvalidated; null when unset). The token itself is
   * never a parameter: {@code tokenEnv} names the environment variable holding it, and {@code settingsToken} is the
   * password of the settings.xml server {@code serverId} names, already decrypted by the caller.
   */
  public record Parameters(String engine, String input, String trivyImage, String trivyVersion, Path trivy,
      String server, String serverId, Secret settingsToken, String tokenEnv, String tokenHeader, Path cacheDirectory,
      String dbRepository, String javaDbRepository, boolean skipDbUpdate, boolean skipJavaDbUpdate, boolean offline,
      String maxDbAge, String failOn, boolean ignoreUnfixed, Path suppressions, boolean suppressionsExplicit,
      Path trivyIgnore, boolean trivyIgnoreExplicit, boolean warnOnly, String timeout, Path outputDirectory,
      Path sbom, boolean stepSummary) {}

  public ScanConfig {
    dbRepositories = List.copyOf(dbRepositories);
    javaDbRepositories = List.copyOf(javaDbRepositories);
    failOn = Collections.unmodifiableSet(failOn.isEmpty() ? java.util.EnumSet.noneOf(Severity.class)
        : java.util.EnumSet.copyOf(failOn));
    trivyEnv = Collections.unmodifiableMap(new TreeMap<>(trivyEnv));
  }

  /** Names every field; the Trivy environment by variable names only (it may hold registry passwords). */
  @Override
  public String toString() {
    return "ScanConfig[engine=" + engine + ", input=" + input + ", trivyImage=" + trivyImage + ", trivyBinary="
        + trivyBinary + ", server=" + server + ", token=" + token + ", cacheDir=" + cacheDir + ", dbRepositories="
        + dbRepositories + ", javaDbRepositories=" + javaDbRepositories + ", skipDbUpdate=" + skipDbUpdate
        + ", skipJavaDbUpdate=" + skipJavaDbUpdate + ", offline=" + offline + ", maxDbAge=" + maxDbAge
        + ", failOn=" + failOn + ", ignoreUnfixed=" + ignoreUnfixed + ", suppressions=" + suppressions
        + ", trivyIgnore=" + trivyIgnore + ", warnOnly=" + warnOnly + ", timeout=" + timeout + ", outputDirectory="
        + outputDirectory + ", sbom=" + sbom + ", stepSummary=" + stepSummary + ", trivyEnv=" + trivyEnv.keySet()
        + "]";
  }

  /** Validates {@code p}; {@code env} is the process environment (token variable, step summary, TRIVY_*). */
  public static ScanConfig from(Parameters p, Map<String, String> env) throws InvalidInputException {
    Engine engine = Engine.parse(p.engine());
    Input input = Input.parse(p.input());

    URI server = null;
    if (p.server() != null && !p.server().isBlank()) {
      try {
        server = new URI(p.server().strip());
      } catch (URISyntaxException e) {
        throw new InvalidInputException("image.scan.server: '" + p.server() + "' is not a URL (" + e.getReason()
            + "); write e.g. http://trivy.internal:4954");
      }
      if (!"http".equalsIgnoreCase(server.getScheme()) && !"https".equalsIgnoreCase(server.getScheme())
          || server.getHost() == null) {
        throw new InvalidInputException("image.scan.server: '" + p.server() + "' is not an http(s) URL with a host;"
            + " write e.g. http://trivy.internal:4954");
      }
      if (server.getUserInfo() != null) {
        throw new InvalidInputException("image.scan.server: the URL carries credentials; give the token through "
            + "image.scan.serverId (a settings.xml server) or image.scan.tokenEnv (an environment variable) instead");
      }
    }
    if (engine == Engine.SERVER && server == null) {
      throw new InvalidInputException("image.scan.engine=server needs image.scan.server, the Trivy server's URL "
          + "(e.g. http://trivy.internal:4954)");
    }
    Secret token = null;
    if (server != null) {
      if (p.serverId() != null && !p.serverId().isBlank()) {
        if (p.settingsToken() == null) {
          throw new InvalidInputException("image.scan.serverId: settings.xml has no <server> with id '"
              + p.serverId() + "' and a <password> (the Trivy token)");
        }
        token = p.settingsToken();
      } else if (p.tokenEnv() != null && !p.tokenEnv().isBlank()) {
        String value = env.get(p.tokenEnv().strip());
        if (value != null && !value.isEmpty()) {
          token = new Secret(value, "environment variable " + p.tokenEnv().strip());
        }
      }
    }
    String tokenHeader = p.tokenHeader() == null || p.tokenHeader().isBlank() ? "Trivy-Token" : p.tokenHeader().strip();
    if (!tokenHeader.matches("[A-Za-z0-9-]+")) {
      throw new InvalidInputException("image.scan.tokenHeader: '" + tokenHeader + "' is not an HTTP header name");
    }

    String image = p.trivyImage() == null || p.trivyImage().isBlank() ? DEFAULT_TRIVY_IMAGE : p.trivyImage().strip();
    String version = p.trivyVersion() == null || p.trivyVersion().isBlank() ? DEFAULT_TRIVY_VERSION
        : p.trivyVersion().strip();
    if (!version.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
      throw new InvalidInputException("image.scan.trivyVersion: '" + version + "' is not an image tag (e.g. "
          + DEFAULT_TRIVY_VERSION + ")");
    }
    String lastPart = image.substring(image.lastIndexOf('/') + 1);
    String trivyImage = image.contains("@") || lastPart.contains(":") ? image : image + ":" + version;

    Path binary = p.trivy();
    if (binary != null && !Files.isExecutable(binary)) {
      throw new InvalidInputException("image.scan.trivy: " + binary + " is not an executable file (the path of "
          + "the trivy binary; leave it unset to use trivy from the PATH)");
    }

    // zero or negative would refuse every database, however fresh
    Duration maxDbAge = Durations.parsePositive(p.maxDbAge(), "image.scan.maxDbAge");
    Duration timeout = p.timeout() == null || p.timeout().isBlank() ? Duration.ofMinutes(15)
        : Durations.parse(p.timeout(), "image.scan.timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new InvalidInputException("image.scan.timeout: must be positive, e.g. 15m");
    }

    Set<Severity> failOn = Severity.parseList(p.failOn() == null ? "CRITICAL,HIGH" : p.failOn(),
        "image.scan.failOn");

    Path suppressions = existing(p.suppressions(), p.suppressionsExplicit(), "image.scan.suppressions");
    Path trivyIgnore = existing(p.trivyIgnore(), p.trivyIgnoreExplicit(), "image.scan.trivyIgnore");
    if (input == Input.SBOM && p.sbom() == null) {
      throw new InvalidInputException("image.scan.input=sbom needs image.scan.sbom, the CycloneDX JSON file to scan");
    }
    if (input == Input.SBOM && !Files.isRegularFile(p.sbom())) {
      throw new InvalidInputException("image.scan.sbom: " + p.sbom() + " does not exist (run image:sbom first, or "
          + "point image.scan.sbom at a CycloneDX JSON file)");
    }

    String summary = env.get("GITHUB_STEP_SUMMARY");
    Path stepSummary = p.stepSummary() && summary != null && !summary.isBlank() ? Path.of(summary) : null;

    Map<String, String> trivyEnv = new TreeMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("TRIVY_")) {
        trivyEnv.put(k, v);
      }
    });

    return new ScanConfig(engine, input, trivyImage, binary, server, token, tokenHeader, p.cacheDirectory(),
        list(p.dbRepository()), list(p.javaDbRepository()), p.skipDbUpdate(), p.skipJavaDbUpdate(), p.offline(),
        maxDbAge, failOn, p.ignoreUnfixed(), suppressions, trivyIgnore, p.warnOnly(), timeout, p.outputDirectory(),
        p.sbom(), stepSummary, trivyEnv);
  }

  /** An optional input file: used when it exists; an explicitly configured one must exist. */
  private static Path existing(Path file, boolean explicit, String parameter) throws InvalidInputException {
    if (file == null) {
      return null;
    }
    if (Files.isRegularFile(file)) {
      return file;
    }
    if (explicit) {
      throw new InvalidInputException(parameter + ": " + file + " does not exist");
    }
    return null;
  }

  private static List<String> list(String text) {
    List<String> out = new ArrayList<>();
    if (text != null) {
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String text, String parameter, String accepted)
      throws InvalidInputException {
    if (text == null || text.isBlank()) {
      return type.getEnumConstants()[0];
    }
    try {
      return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(parameter + ": '" + text.strip() + "' is not accepted; accepted: " + accepted);
    }
  }
}
