package dev.slipway.image.scan;

import dev.slipway.common.InvalidInputException;
import java.nio.file.Path;
import java.util.Map;

/** The goal's parameters with its defaults, changed field by field in tests. */
final class TestParams {
  String engine = "auto";
  String input = "image";
  String trivyImage = ScanConfig.DEFAULT_TRIVY_IMAGE;
  String trivyVersion = ScanConfig.DEFAULT_TRIVY_VERSION;
  Path trivy;
  String server;
  String serverId;
  Secret settingsToken;
  String tokenEnv = "TRIVY_TOKEN";
  String tokenHeader = "Trivy-Token";
  Path cacheDirectory;
  String dbRepository;
  String javaDbRepository;
  boolean skipDbUpdate;
  boolean skipJavaDbUpdate;
  boolean offline;
  String maxDbAge;
  String failOn = "CRITICAL,HIGH";
  boolean ignoreUnfixed;
  Path suppressions;
  boolean suppressionsExplicit;
  Path trivyIgnore;
  boolean trivyIgnoreExplicit;
  boolean warnOnly;
  String timeout = "15m";
  Path outputDirectory;
  Path sbom;
  boolean stepSummary = true;

  TestParams(Path work) {
    cacheDirectory = work.resolve("cache");
    outputDirectory = work.resolve("target/slipway/scan");
    suppressions = work.resolve("scan-suppressions.yaml");
    trivyIgnore = work.resolve(".trivyignore.yaml");
  }

  ScanConfig.Parameters parameters() {
    return new ScanConfig.Parameters(engine, input, trivyImage, trivyVersion, trivy, server, serverId, settingsToken,
        tokenEnv, tokenHeader, cacheDirectory, dbRepository, javaDbRepository, skipDbUpdate, skipJavaDbUpdate, offline,
        maxDbAge, failOn, ignoreUnfixed, suppressions, suppressionsExplicit, trivyIgnore, trivyIgnoreExplicit,
        warnOnly, timeout, outputDirectory, sbom, stepSummary);
  }

  ScanConfig config(Map<String, String> env) throws InvalidInputException {
    return ScanConfig.from(parameters(), env);
  }
}
