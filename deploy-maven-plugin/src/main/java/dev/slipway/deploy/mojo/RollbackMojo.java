package dev.slipway.deploy.mojo;

import dev.slipway.deploy.ecs.AwsEcsGateway;
import dev.slipway.deploy.pipeline.Clock;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Prompter;
import dev.slipway.deploy.pipeline.Rollbacker;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Rolls an environment back to the task definition recorded in the last deployment's snapshot ({@code last.json}),
 * or to {@code deploy.toRevision}, and waits for that deployment like deploy:ecs does.
 */
@Mojo(name = "rollback", threadSafe = true, requiresProject = false)
public class RollbackMojo extends AbstractDeployMojo {
  /** Revision number (5), family:revision (web:5) or ARN to roll back to; default: the snapshot in last.json. */
  @Parameter(property = "deploy.toRevision")
  String toRevision;

  /** In batch mode, the environment's name, to confirm a rollback of an environment that requires it. */
  @Parameter(property = "deploy.confirm")
  String confirm;

  /** Skip this goal. */
  @Parameter(property = "deploy.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("deploy:rollback skipped (deploy.skip)");
      return;
    }
    EnvironmentSpec spec = environment();
    try (AwsEcsGateway gateway = gateway(spec)) {
      boolean interactive = session.getRequest().isInteractiveMode() && System.console() != null;
      new Rollbacker(gateway, Clock.system(), redactor, log(), notifier()).rollback(new Rollbacker.Request(spec,
          blank(toRevision), interactive, blank(confirm), Prompter.console(), journalDirectory.toPath()));
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
