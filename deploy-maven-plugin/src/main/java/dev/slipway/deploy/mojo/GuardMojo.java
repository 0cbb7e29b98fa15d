package dev.slipway.deploy.mojo;

import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Fails the build at its start ({@code validate}) when a deploy goal on the command line (deploy:ecs, deploy:rollback,
 * deploy:status) has no environment, an unknown one, or two contradicting ones ({@code -Pstaging -Denv=production}),
 * so that {@code mvn verify deploy:ecs} does not run the whole verify first. Does nothing in builds without a deploy
 * goal, and talks to nothing. Bind it once in the POM (an execution with goal {@code guard}).
 */
@Mojo(name = "guard", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class GuardMojo extends AbstractDeployMojo {
  private static final List<String> NEEDS_ENVIRONMENT = List.of("ecs", "rollback", "status");

  /** Skip this goal. */
  @org.apache.maven.plugins.annotations.Parameter(property = "deploy.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoFailureException {
    if (skip) {
      getLog().info("deploy:guard skipped (deploy.skip)");
      return;
    }
    List<String> goals = session.getGoals();
    String deployGoal = goals.stream().filter(GuardMojo::isDeployGoal).findFirst().orElse(null);
    if (deployGoal == null) {
      getLog().debug("deploy:guard: no deploy goal on the command line");
      return;
    }
    var spec = environment(); // refuses none, unknown or contradicting choices, naming where each came from
    getLog().info("deploy:guard: " + deployGoal + " will deploy to environment '" + spec.name() + "' ("
        + spec.cluster() + "/" + spec.service() + ")");
  }

  /** deploy:ecs, dev.slipway:deploy-maven-plugin[:version]:ecs and the like; never maven-deploy-plugin's goals. */
  static boolean isDeployGoal(String goal) {
    String g = goal.strip().toLowerCase(Locale.ROOT);
    int colon = g.lastIndexOf(':');
    if (colon < 0) {
      return false;
    }
    String name = g.substring(colon + 1);
    String plugin = g.substring(0, colon);
    return NEEDS_ENVIRONMENT.contains(name)
        && (plugin.equals("deploy") || plugin.contains("dev.slipway:deploy-maven-plugin"));
  }
}
