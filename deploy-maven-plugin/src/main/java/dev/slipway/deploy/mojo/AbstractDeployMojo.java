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

  /** Name of the environment to use; {@code -Denv=NAME} works too. Optional when only one is configured. */
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

  /** Attempts the SDK's standard retry strategy makes on throttling and 5xx (including the first). */
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

  final Redactor redactor = new Redactor();

  Log log() {
    return new MavenLog(getLog()).redacting(redactor);
  }

  EnvironmentSpec environment() throws MojoFailureException {
    String name = env;
    if (name == null) {
      name = session.getUserProperties().getProperty("env", System.getProperty("env"));
    }
    List<EnvironmentSpec> specs = new ArrayList<>();
    try {
      for (Environment e : environments) {
        specs.add(e.toSpec(region));
      }
      return Environments.select(specs, name);
    } catch (InvalidInputException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
  }

  AwsEcsGateway gateway(EnvironmentSpec spec) throws MojoExecutionException {
    URI uri = null;
    if (endpoint != null && !endpoint.isBlank()) {
      try {
        uri = URI.create(endpoint.strip());
      } catch (IllegalArgumentException e) {
        throw new MojoExecutionException("deploy.endpoint: '" + endpoint + "' is not a URL", e);
      }
    }
    AwsEcsGateway gateway = new AwsEcsGateway(new AwsSettings(spec.region(), blank(profile), blank(roleArn), uri,
        Math.max(1, maxAttempts)));
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
