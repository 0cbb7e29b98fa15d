package dev.slipway.deploy.mojo;

import dev.slipway.common.mojo.MavenLog;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.deploy.ecs.AwsEcsGateway;
import dev.slipway.deploy.ecs.AwsSettings;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.pipeline.DeployFailedException;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Environments;
import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** Parameters every deploy goal shares: environments and how to reach AWS. */
abstract class AbstractDeployMojo extends AbstractMojo {
  /** The deployment targets (see the plugin's site for the full element list). */
  @Parameter
  List<Environment> environments = new ArrayList<>();

  /**
   * Name of the environment to use. Also chosen by {@code -Denv=NAME}, by a profile that sets {@code deploy.env}
   * ({@code -Pstaging}), or by a profile id {@code env=NAME} ({@code -Penv=staging} with Maven 3.9,
   * {@code -P env=staging} with Maven 4). Two different choices are refused. Optional when only one is configured.
   */
  @Parameter(property = "deploy.env")
  String env;

  /** AWS region for environments that do not name one; default: the SDK's region chain (AWS_REGION, profile). */
  @Parameter(property = "deploy.region")
  String region;

  /** Named profile from ~/.aws/config; default: the SDK's default credential chain. */
  @Parameter(property = "deploy.profile")
  String profile;

  /** Role to assume through STS before calling ECS. */
  @Parameter(property = "deploy.roleArn")
  String roleArn;

  /**
   * Endpoint for ECS, STS and ELBv2 (e.g. a simulator). Without it the SDK's own resolution applies, including
   * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_ECS / _STS / _ELASTIC_LOAD_BALANCING_V2.
   */
  @Parameter(property = "deploy.endpoint")
  String endpoint;

  /** Attempts the SDK's standard retry strategy makes on throttling and 5xx (including the first; at least 1). */
  @Parameter(property = "deploy.maxAttempts", defaultValue = "8")
  int maxAttempts;

  /** Where deployment journals are written: {@code <dir>/<env>/<timestamp>.json} and {@code last.json}. */
  @Parameter(property = "deploy.journalDirectory", defaultValue = "${project.build.directory}/slipway/deploy")
  File journalDirectory;

  @Parameter(defaultValue = "${settings}", readonly = true)
  org.apache.maven.settings.Settings settings;

  @org.apache.maven.plugins.annotations.Component
  org.apache.maven.settings.crypto.SettingsDecrypter decrypter;

  /**
   * Credentials for resolving a tag in {@code registry}: a settings.xml server whose id is the registry, or
   * SLIPWAY_REGISTRY_USERNAME/PASSWORD; null for anonymous access.
   */
  dev.slipway.common.registry.RegistryCredentials registryCredentials(String registry) {
    return dev.slipway.common.mojo.MavenCredentials.resolve(registry, null, null, settings, decrypter, System.getenv(),
        redactor);
  }

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  MavenSession session;

  /**
   * The environment variable holding each Slack webhook's URL, by purpose ({@code <deploys>SLACK_DEPLOY_URL</deploys>});
   * unnamed purposes use {@code SLACK_WEBHOOK_GENERAL}, {@code _DEPLOYS}, {@code _CRITICAL}, {@code _PERFORMANCE}.
   * The URL itself is never a parameter: Maven prints parameters.
   */
  @Parameter
  java.util.Map<String, String> slackWebhookEnvs = new java.util.HashMap<>();

  /**
   * The settings.xml server whose password is each Slack webhook's URL, by purpose; default {@code slack-general},
   * {@code slack-deploys}, {@code slack-critical}, {@code slack-performance}. A server wins over the variable.
   */
  @Parameter
  java.util.Map<String, String> slackWebhookServers = new java.util.HashMap<>();

  /** The longest all Slack messages of one run may take together, retries included (e.g. 10s). */
  @Parameter(property = "deploy.notify.timeout", defaultValue = "10s")
  String notifyTimeout;

  /** Send no Slack message. */
  @Parameter(property = "deploy.notify.skip", defaultValue = "false")
  boolean notifySkip;

  /** The GitHub API: default {@code GITHUB_API_URL}, else https://api.github.com; GitHub Enterprise: https://HOST/api/v3. */
  @Parameter(property = "deploy.github.apiUrl")
  String githubApiUrl;

  /** The environment variable holding the GitHub token (never the token itself). */
  @Parameter(property = "deploy.github.tokenEnv", defaultValue = "GITHUB_TOKEN")
  String githubTokenEnv;

  /** The settings.xml server whose password is the GitHub token; wins over the variable. */
  @Parameter(property = "deploy.github.server", defaultValue = "github")
  String githubServer;

  /** The repository releases go to ({@code owner/name}); default GITHUB_REPOSITORY, else the git remote. */
  @Parameter(property = "deploy.release.repository")
  String releaseRepository;

  /**
   * Files attached to a release, globs relative to {@code slipwayDirectory}; default the SBOMs, scan.json and its
   * SARIF, verified.json, the Sigstore bundles and image.json.
   */
  @Parameter
  List<String> releaseFiles = new ArrayList<>(List.of("sbom/*.cdx.json", "sbom/*.cdx.xml", "sbom/*.spdx.json",
      "scan/scan.json", "scan/scan.sarif", "verified.json", "signatures/*.sigstore.json", "image.json"));

  /** Where the image goals leave their files. */
  @Parameter(defaultValue = "${project.build.directory}/slipway", readonly = true)
  File slipwayDirectory;

  /** The process environment (CI variables, webhook URLs, tokens); tests replace it. */
  java.util.Map<String, String> processEnv = System.getenv();

  /** Slack, with the webhooks found for each purpose (none: a notifier that sends nothing). */
  dev.slipway.common.notify.Notifier notifier() throws MojoFailureException {
    if (notifySkip) {
      return dev.slipway.common.notify.Notifier.none();
    }
    java.util.Map<dev.slipway.common.notify.Channel, dev.slipway.common.notify.SlackWebhook.Target> targets =
        new java.util.EnumMap<>(dev.slipway.common.notify.Channel.class);
    for (var c : dev.slipway.common.notify.Channel.values()) {
      String envName = slackWebhookEnvs.getOrDefault(c.label(), c.defaultEnv());
      String server = slackWebhookServers.getOrDefault(c.label(), c.defaultServer());
      var secret = dev.slipway.common.mojo.MavenSecrets.resolve(envName, server, settings, decrypter, processEnv,
          redactor);
      if (secret.isPresent()) {
        try {
          targets.put(c, dev.slipway.common.notify.SlackWebhook.Target.of(c, secret.get().value(),
              secret.get().source()));
        } catch (InvalidInputException e) {
          throw new MojoFailureException(e.getMessage());
        }
      }
    }
    java.time.Duration limit;
    try {
      limit = dev.slipway.common.Durations.parsePositive(notifyTimeout, "deploy.notify.timeout");
    } catch (InvalidInputException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
    if (!targets.isEmpty()) {
      getLog().info("Slack webhooks: " + targets.values().stream().map(Object::toString).toList());
    }
    return new dev.slipway.common.notify.Notifier(targets, new dev.slipway.common.notify.SlackWebhook(redactor),
        limit, java.time.Instant::now, log());
  }

  /** The GitHub token from settings.xml or the environment, or null. */
  dev.slipway.common.mojo.MavenSecrets.Secret githubToken() {
    return dev.slipway.common.mojo.MavenSecrets.resolve(githubTokenEnv, githubServer, settings, decrypter, processEnv,
        redactor).orElse(null);
  }

  /** The GitHub API URL ({@code deploy.github.apiUrl}, else GITHUB_API_URL, else api.github.com), checked. */
  URI githubApi() throws MojoFailureException {
    String from = blank(githubApiUrl) != null ? "deploy.github.apiUrl" : "the environment variable GITHUB_API_URL";
    URI api;
    try {
      api = dev.slipway.common.github.GitHubClient.apiUrl(githubApiUrl, processEnv);
    } catch (IllegalArgumentException e) {
      api = null;
    }
    if (api == null || api.getHost() == null || !("https".equals(api.getScheme()) || "http".equals(api.getScheme()))) {
      throw new MojoFailureException(from + ": '" + (blank(githubApiUrl) != null ? githubApiUrl.strip()
          : processEnv.get("GITHUB_API_URL")) + "' is not an http(s) URL; write https://api.github.com, or "
          + "https://HOST/api/v3 for GitHub Enterprise Server");
    }
    return api;
  }

  /** The repository releases go to, or null when none can be told. */
  String releaseRepository(dev.slipway.deploy.pipeline.BuildInfo build) {
    if (releaseRepository != null && !releaseRepository.isBlank()) {
      return releaseRepository.strip();
    }
    String fromCi = processEnv.get("GITHUB_REPOSITORY");
    if (fromCi != null && !fromCi.isBlank()) {
      return fromCi;
    }
    return dev.slipway.common.github.GitHubReleases.repositoryOf(build.repositoryUrl());
  }

  /** The files to attach to a release, by file name, in the order of {@code releaseFiles}. */
  java.util.Map<String, java.nio.file.Path> releaseFiles() {
    java.util.Map<String, java.nio.file.Path> out = new java.util.LinkedHashMap<>();
    java.nio.file.Path root = slipwayDirectory.toPath();
    for (String glob : releaseFiles) {
      var matcher = root.getFileSystem().getPathMatcher("glob:" + glob.strip());
      if (!java.nio.file.Files.isDirectory(root)) {
        break;
      }
      try (var files = java.nio.file.Files.walk(root, 3)) {
        files.filter(java.nio.file.Files::isRegularFile).filter(p -> matcher.matches(root.relativize(p))).sorted()
            .forEach(p -> out.putIfAbsent(p.getFileName().toString(), p));
      } catch (java.io.IOException e) {
        getLog().warn("cannot list " + root + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** What the build knows about itself: git, CI, image.json (when present and readable). */
  dev.slipway.deploy.pipeline.BuildInfo buildInfo(File imageJson) {
    java.nio.file.Path dir = project != null && project.getBasedir() != null ? project.getBasedir().toPath()
        : java.nio.file.Path.of("").toAbsolutePath();
    var git = dev.slipway.common.git.GitInfo.read(dir, processEnv).orElse(null);
    dev.slipway.common.image.BuiltImage image = null;
    if (imageJson != null && imageJson.isFile()) {
      try {
        image = dev.slipway.common.image.BuiltImage.read(imageJson.toPath());
      } catch (InvalidInputException e) {
        getLog().warn(e.getMessage());
      }
    }
    return new dev.slipway.deploy.pipeline.BuildInfo(project == null ? null : project.getArtifactId(),
        git == null ? null : git.commit(), git == null ? null : git.branch(), git == null ? List.of() : git.tags(),
        git == null ? null : git.remoteUrl(), dev.slipway.deploy.pipeline.BuildInfo.ciRunUrl(processEnv),
        dev.slipway.deploy.pipeline.BuildInfo.actor(processEnv, System.getProperty("user.name")), image);
  }

  final Redactor redactor = new Redactor();

  Log log() {
    return new MavenLog(getLog()).redacting(redactor);
  }

  @Parameter(defaultValue = "${project}", readonly = true)
  org.apache.maven.project.MavenProject project;

  /** The environment this build chose (see {@link #env}); refuses none, an unknown one, or two different ones. */
  EnvironmentSpec environment() throws MojoFailureException {
    List<EnvironmentSpec> specs = new ArrayList<>();
    try {
      for (Environment e : environments) {
        specs.add(e.toSpec(region));
      }
      String name = dev.slipway.deploy.pipeline.EnvironmentChoice.decide(
          MavenEnvironment.sources(session, project, env));
      return Environments.select(specs, name);
    } catch (InvalidInputException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
  }

  AwsEcsGateway gateway(EnvironmentSpec spec) throws MojoExecutionException, MojoFailureException {
    if (maxAttempts < 1) {
      // was raised to 1 silently: a 0 meant to switch retries off still made one attempt, and -1 looked accepted
      throw new MojoFailureException("deploy.maxAttempts = " + maxAttempts + " is not accepted; expected a whole "
          + "number >= 1 (attempts including the first; 1 = no retries)");
    }
    URI uri = null;
    if (endpoint != null && !endpoint.isBlank()) {
      try {
        uri = URI.create(endpoint.strip());
      } catch (IllegalArgumentException e) {
        throw new MojoExecutionException("deploy.endpoint: '" + endpoint + "' is not a URL", e);
      }
    }
    AwsEcsGateway gateway = new AwsEcsGateway(new AwsSettings(spec.region(), blank(profile), blank(roleArn), uri,
        maxAttempts));
    try {
      gateway.registerSecrets(redactor);
    } catch (AwsException e) {
      gateway.close();
      throw new MojoExecutionException(redactor.redact("no usable AWS credentials: " + e.getMessage()), e);
    }
    return gateway;
  }

  /** Maps core failures: the project's (a failed deployment, bad configuration) vs the environment's (AWS down). */
  static Exception map(Exception e, Redactor redactor) {
    if (e instanceof MojoFailureException f) {
      return f; // already the project's fault, worded for the user
    }
    String message = redactor.redact(e.getMessage());
    if (e instanceof DeployFailedException || e instanceof InvalidInputException) {
      return new MojoFailureException(message, e);
    }
    return new MojoExecutionException(message, e);
  }

  static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
