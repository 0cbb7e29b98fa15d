package dev.slipway.deploy.mojo;

import dev.slipway.deploy.checks.JdkHttpProbe;
import dev.slipway.deploy.ecs.AwsEcsGateway;
import dev.slipway.common.github.GitHubClient;
import dev.slipway.common.github.GitHubReleases;
import dev.slipway.deploy.pipeline.BuildInfo;
import dev.slipway.deploy.pipeline.Clock;
import dev.slipway.deploy.pipeline.DeployTools;
import dev.slipway.deploy.release.ReleasePublisher;
import dev.slipway.deploy.pipeline.DeployRequest;
import dev.slipway.deploy.pipeline.Deployer;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.HttpRegistryDigestResolver;
import dev.slipway.deploy.pipeline.ImageSelector;
import dev.slipway.deploy.pipeline.Prompter;
import dev.slipway.deploy.pipeline.ShutdownHooks;
import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Deploys the built image to an ECS service: preflight (permissions, a deployment in flight), verification of the
 * image's signature and scan, confirmation (production), snapshot, new task definition revision, UpdateService, wait
 * for our deployment, health checks, smoke tests, CloudWatch monitoring; on any failure after the update (or Ctrl-C)
 * it rolls back and fails the build. Then: a GitHub release (production, v*.*.* tag), Slack, the CI step summary.
 */
@Mojo(name = "ecs", threadSafe = true, requiresProject = true)
public class EcsMojo extends AbstractDeployMojo {
  /** Image to deploy; a tag is resolved to its digest first. Default: repository@digest from image.json. */
  @Parameter(property = "deploy.image")
  String image;

  /** The file image:build writes. */
  @Parameter(property = "deploy.imageJson", defaultValue = "${project.build.directory}/slipway/image.json")
  File imageJson;

  /** Print the plan and the task-definition diff; change nothing. */
  @Parameter(property = "deploy.dryRun", defaultValue = "false")
  boolean dryRun;

  /** In batch mode, the environment's name, to confirm a deployment to an environment that requires it. */
  @Parameter(property = "deploy.confirm")
  String confirm;

  /**
   * Deploy even when another deployment of the service is still rolling out; the rollback target is then the last
   * revision that completed, not the one in flight.
   */
  @Parameter(property = "deploy.force", defaultValue = "false")
  boolean force;

  /**
   * Ask IAM (SimulatePrincipalPolicy) in PREFLIGHT whether the caller may register, update and stop deployments. The
   * read calls the deployment needs are always tried. A simulation that cannot be made is reported and skipped.
   */
  @Parameter(property = "deploy.checkPermissions", defaultValue = "true")
  boolean checkPermissions;

  /** image:verify's verdict on the image (VERIFY checks that it names the deployed digest). */
  @Parameter(property = "deploy.verifiedJson", defaultValue = "${project.build.directory}/slipway/verified.json")
  File verifiedJson;

  /** image:scan's verdict on the image. */
  @Parameter(property = "deploy.scanJson", defaultValue = "${project.build.directory}/slipway/scan/scan.json")
  File scanJson;

  /**
   * Deploy even when verified.json or scan.json do not vouch for the digest (production refuses otherwise); the
   * journal records who did (CI actor and OS user).
   */
  @Parameter(property = "deploy.allowUnverified", defaultValue = "false")
  boolean allowUnverified;

  /** Make a GitHub release after a successful production deployment of a v*.*.* tag. */
  @Parameter(property = "deploy.release", defaultValue = "true")
  boolean release;

  /** Skip this goal. */
  @Parameter(property = "deploy.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("deploy:ecs skipped (deploy.skip)");
      return;
    }
    EnvironmentSpec spec = environment();
    try (AwsEcsGateway gateway = gateway(spec)) {
      HttpRegistryDigestResolver resolver = new HttpRegistryDigestResolver(this::registryCredentials, log());
      String pinned = new ImageSelector(resolver, log()).select(image, imageJson.toPath());
      BuildInfo build = buildInfo(imageJson);
      DeployRequest.ReleaseOptions releaseOptions = null;
      ReleasePublisher publisher = null;
      if (release && spec.production() && build.releaseTag() != null) {
        var token = githubToken();
        String repository = releaseRepository(build);
        if (token == null || repository == null) {
          getLog().warn("RELEASE " + build.releaseTag() + " will not be made: " + (token == null ? "no GitHub token ("
              + githubTokenEnv + " or settings.xml server '" + githubServer + "')" : "no repository "
              + "(deploy.release.repository, GITHUB_REPOSITORY or a GitHub remote)"));
        } else {
          GitHubClient client = new GitHubClient(githubApi(), token.value(),
              redactor);
          publisher = s -> new GitHubReleases(client, log()).publish(s);
          releaseOptions = new DeployRequest.ReleaseOptions(repository, releaseFiles());
        }
      }
      DeployTools tools = new DeployTools(gateway, gateway.cloudWatch(), new JdkHttpProbe(), Clock.system(),
          Prompter.console(), ShutdownHooks.jvm(), notifier(), publisher);
      Deployer deployer = new Deployer(tools, redactor, log());
      boolean interactive = session.getRequest().isInteractiveMode() && System.console() != null;
      deployer.deploy(new DeployRequest(spec, pinned, dryRun, interactive, blank(confirm),
          journalDirectory.toPath(), force, checkPermissions, new DeployRequest.Options(verifiedJson.toPath(),
              scanJson.toPath(), allowUnverified, build, releaseOptions, processEnv)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("interrupted", e);
    } catch (MojoExecutionException e) {
      throw e;
    } catch (Exception e) {
      Exception mapped = map(e, redactor);
      if (mapped instanceof MojoFailureException f) {
        throw f;
      }
      throw (MojoExecutionException) mapped;
    }
  }
}
