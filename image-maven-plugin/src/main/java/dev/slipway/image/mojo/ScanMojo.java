package dev.slipway.image.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.mojo.MavenCredentials;
import dev.slipway.common.mojo.MavenLog;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.image.scan.Engines;
import dev.slipway.image.scan.ImageScan;
import dev.slipway.image.scan.ScanConfig;
import dev.slipway.image.scan.ScanException;
import dev.slipway.image.scan.ScanPolicyException;
import dev.slipway.image.scan.Secret;
import dev.slipway.image.scan.Trivy;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;

/**
 * Scans the image that {@code image:build} built with Trivy: every platform in {@code image.json} (or the SBOM that
 * {@code image:sbom} wrote), judged by a policy (severities that fail, unfixed findings, suppressions that expire),
 * reported as Trivy's JSON, SARIF 2.1.0 for GitHub code scanning, Markdown (also appended to
 * {@code GITHUB_STEP_SUMMARY}) and {@code target/slipway/scan/scan.json}. Trivy runs as its container image where a
 * Docker API endpoint answers, else as a {@code trivy} executable, optionally as a client of a Trivy server.
 */
@Mojo(name = "scan", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ScanMojo extends AbstractImageMojo {
  /** Skip this goal. */
  @Parameter(property = "image.scan.skip", defaultValue = "false")
  boolean skip;

  /** The image descriptor written by image:build; default {@code ${image.workDir}/image.json}. */
  @Parameter(property = "image.imageJson")
  File imageJson;

  /**
   * How Trivy runs: {@code auto} (its container image where a Docker API endpoint answers, else a trivy executable),
   * {@code container}, {@code binary}, or {@code server} (as auto, as a client of {@code image.scan.server}).
   */
  @Parameter(property = "image.scan.engine", defaultValue = "auto")
  String engine;

  /** What Trivy scans: {@code image} (every platform of the image) or {@code sbom} (image:sbom's CycloneDX file). */
  @Parameter(property = "image.scan.input", defaultValue = "image")
  String input;

  /** The CycloneDX JSON SBOM for {@code input=sbom}; default image:sbom's {@code <artifactId>-<version>.cdx.json}. */
  @Parameter(property = "image.scan.sbom")
  File sbom;

  /** Trivy's image for the container engine (a mirror of aquasec/trivy may be named; a tag or digest here wins). */
  @Parameter(property = "image.scan.trivyImage", defaultValue = ScanConfig.DEFAULT_TRIVY_IMAGE)
  String trivyImage;

  /** The Trivy version (image tag) the container engine runs. */
  @Parameter(property = "image.scan.trivyVersion", defaultValue = ScanConfig.DEFAULT_TRIVY_VERSION)
  String trivyVersion;

  /** The trivy executable for the binary engine; default {@code trivy} on the PATH. Setting it means binary. */
  @Parameter(property = "image.scan.trivy")
  File trivy;

  /** A Trivy server ({@code trivy server}) to scan as a client of, e.g. {@code http://trivy.internal:4954}. */
  @Parameter(property = "image.scan.server")
  String server;

  /** The settings.xml {@code <server>} whose password is the Trivy server's token (never a parameter itself). */
  @Parameter(property = "image.scan.serverId")
  String serverId;

  /** The environment variable holding the Trivy server's token, when no {@code serverId} is given. */
  @Parameter(property = "image.scan.tokenEnv", defaultValue = "TRIVY_TOKEN")
  String tokenEnv;

  /** The HTTP header the Trivy server reads the token from (its {@code --token-header}). */
  @Parameter(property = "image.scan.tokenHeader", defaultValue = "Trivy-Token")
  String tokenHeader;

  /** Trivy's cache (vulnerability DB, Java DB, layer analysis), shared by every build of this user. */
  @Parameter(property = "image.scan.cacheDirectory", defaultValue = "${user.home}/.cache/slipway/trivy")
  File cacheDirectory;

  /** Mirrors of the vulnerability DB (OCI repositories, comma-separated), for air-gapped networks. */
  @Parameter(property = "image.scan.dbRepository")
  String dbRepository;

  /** Mirrors of the Java DB (OCI repositories, comma-separated), for air-gapped networks. */
  @Parameter(property = "image.scan.javaDbRepository")
  String javaDbRepository;

  /** Scan with the vulnerability DB in the cache, without updating it. */
  @Parameter(property = "image.scan.skipDbUpdate", defaultValue = "false")
  boolean skipDbUpdate;

  /** Scan with the Java DB in the cache, without updating it. */
  @Parameter(property = "image.scan.skipJavaDbUpdate", defaultValue = "false")
  boolean skipJavaDbUpdate;

  /** No network during the scan itself (Trivy's {@code --offline-scan}, no version check). */
  @Parameter(property = "image.scan.offline", defaultValue = "false")
  boolean offline;

  /** The oldest vulnerability DB (by its build time) allowed to decide, e.g. {@code 7d}; unset: any. */
  @Parameter(property = "image.scan.maxDbAge")
  String maxDbAge;

  /** Severities that fail the build, comma-separated: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN; or {@code none}. */
  @Parameter(property = "image.scan.failOn", defaultValue = "CRITICAL,HIGH")
  String failOn;

  /** Findings without a fixed version (Trivy status other than fixed) do not fail the build. */
  @Parameter(property = "image.scan.ignoreUnfixed", defaultValue = "false")
  boolean ignoreUnfixed;

  /**
   * Slipway's suppression file (YAML: {@code suppressions:} entries with id, reason, expires); default
   * {@code ${project.basedir}/scan-suppressions.yaml} when it exists.
   */
  @Parameter(property = "image.scan.suppressions")
  File suppressions;

  /** Trivy's ignore file, read as Trivy reads it; default {@code ${project.basedir}/.trivyignore.yaml} if present. */
  @Parameter(property = "image.scan.trivyIgnore")
  File trivyIgnore;

  /** Report a failing verdict as a warning instead of failing the build (for adoption). */
  @Parameter(property = "image.scan.warnOnly", defaultValue = "false")
  boolean warnOnly;

  /** How long one Trivy run may take, e.g. {@code 15m}. */
  @Parameter(property = "image.scan.timeout", defaultValue = "15m")
  String timeout;

  /** Where the reports go; default {@code ${image.workDir}/scan}. */
  @Parameter(property = "image.scan.outputDirectory")
  File outputDirectory;

  /** Append the Markdown report to the file {@code GITHUB_STEP_SUMMARY} names, when it is set. */
  @Parameter(property = "image.scan.stepSummary", defaultValue = "true")
  boolean stepSummary;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipAll) {
      getLog().info("image:scan skipped (" + (skip ? "image.scan.skip" : "image.skip") + ")");
      return;
    }
    if (ranWithGoalLibraries()) {
      return;
    }
    Redactor redactor = new Redactor();
    Log log = new MavenLog(getLog()).redacting(redactor);
    File imageJson = this.imageJson != null ? this.imageJson : new File(workDir, "image.json");
    Map<String, String> env = System.getenv();
    try {
      // the configuration first: a bad parameter is named even before image:build has run
      ScanConfig config = config(env, redactor);
      RegistryAccess registryAccess = registryAccess();
      BuiltImage image = BuiltImage.read(imageJson.toPath());
      Trivy engineTrivy = Engines.select(config,
          Engines.dockerProbe(env, Path.of(System.getProperty("user.home"))), env.get("PATH"));
      BuiltImageAccess access = new BuiltImageAccess(image, imageJson.toString(), registryAccess,
          registry -> registryCredentials(registry, redactor, log), log);
      new ImageScan(engineTrivy, access::source, log, Clock.systemUTC(), Duration.ofSeconds(30)).run(config, image);
    } catch (ScanPolicyException e) {
      throw new MojoFailureException(redactor.redact(e.getMessage()));
    } catch (InvalidInputException e) {
      throw new MojoFailureException(redactor.redact(e.getMessage()), e);
    } catch (ScanException e) {
      throw new MojoExecutionException(redactor.redact(e.getMessage()), e);
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException("image:scan failed: " + redactor.redact(String.valueOf(e.getMessage())), e);
    }
  }

  /** The validated configuration; the token from settings.xml is decrypted here and goes nowhere but Trivy. */
  ScanConfig config(Map<String, String> env, Redactor redactor) throws InvalidInputException {
    Secret settingsToken = null;
    if (serverId != null && !serverId.isBlank() && session != null && session.getSettings() != null) {
      Server s = session.getSettings().getServer(serverId.strip());
      if (s != null) {
        Server decrypted = MavenCredentials.decrypt(s, decrypter);
        if (decrypted.getPassword() != null && !decrypted.getPassword().isEmpty()) {
          redactor.add(decrypted.getPassword());
          settingsToken = new Secret(decrypted.getPassword(), "settings.xml server '" + serverId.strip() + "'");
        }
      }
    }
    if (tokenEnv != null && env.get(tokenEnv.strip()) != null) {
      redactor.add(env.get(tokenEnv.strip()));
    }
    File basedir = project == null ? new File(".") : project.getBasedir();
    File sbomFile = sbom != null ? sbom : project == null ? null
        : new File(new File(workDir, "sbom"), project.getArtifactId() + "-" + project.getVersion() + ".cdx.json");
    return ScanConfig.from(new ScanConfig.Parameters(engine, input, trivyImage, trivyVersion,
        trivy == null ? null : trivy.toPath(), server, serverId, settingsToken, tokenEnv, tokenHeader,
        cacheDirectory == null ? null : cacheDirectory.toPath(), dbRepository, javaDbRepository, skipDbUpdate,
        skipJavaDbUpdate, offline, maxDbAge, failOn, ignoreUnfixed,
        (suppressions != null ? suppressions : new File(basedir, "scan-suppressions.yaml")).toPath(),
        suppressions != null,
        (trivyIgnore != null ? trivyIgnore : new File(basedir, ".trivyignore.yaml")).toPath(), trivyIgnore != null,
        warnOnly, timeout,
        (outputDirectory != null ? outputDirectory : new File(workDir, "scan")).toPath(),
        sbomFile == null ? null : sbomFile.toPath(), stepSummary), env);
  }
}
