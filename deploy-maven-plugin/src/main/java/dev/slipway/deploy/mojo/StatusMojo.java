package dev.slipway.deploy.mojo;

import dev.slipway.deploy.ecs.AwsEcsGateway;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.StatusReporter;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Prints an environment's deployments, task definition, image digests, running/desired and recent events. */
@Mojo(name = "status", threadSafe = true, requiresProject = false)
public class StatusMojo extends AbstractDeployMojo {
  /** How many recent service events to print. */
  @Parameter(property = "deploy.events", defaultValue = "10")
  int events;

  /** Skip this goal. */
  @Parameter(property = "deploy.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("deploy:status skipped (deploy.skip)");
      return;
    }
    if (events < 0) {
      throw new MojoFailureException("deploy.events = " + events + " is not accepted; expected a whole number >= 0 "
          + "(0 prints no events)");
    }
    EnvironmentSpec spec = environment();
    try (AwsEcsGateway gateway = gateway(spec)) {
      for (String line : new StatusReporter(gateway).report(spec, events)) {
        getLog().info(redactor.redact(line));
      }
    } catch (Exception e) {
      Exception mapped = map(e, redactor);
      if (mapped instanceof MojoFailureException f) {
        throw f;
      }
      throw (MojoExecutionException) mapped;
    }
  }
}
