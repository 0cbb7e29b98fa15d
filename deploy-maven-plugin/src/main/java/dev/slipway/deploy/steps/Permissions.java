package dev.slipway.deploy.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.pipeline.DeployContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PREFLIGHT's permission check, before anything changes. The read calls the deployment and its rollback rely on are
 * simply made (a denied one is found at once); the calls that change the service cannot be tried, so IAM
 * SimulatePrincipalPolicy is asked about them for the calling principal. A simulation that cannot be made (no
 * iam:SimulatePrincipalPolicy, a role with a path, IAM out of reach) is reported and skipped, never fatal.
 */
final class Permissions {
  /** A permission the deployment lacks: the IAM action, what it is needed for, and whether the deployment can do without. */
  record Missing(String action, String purpose, boolean required) {
    @Override
    public String toString() {
      return action + " (" + purpose + ")";
    }
  }

  private final DeployContext ctx;
  private final List<Missing> missing = new ArrayList<>();

  Permissions(DeployContext ctx) {
    this.ctx = ctx;
  }

  List<Missing> check() {
    var env = ctx.env;
    var svc = ctx.service;
    if (svc.currentServiceDeployment() != null) {
      probe("ecs:DescribeServiceDeployments", "to follow the deployment and to choose StopServiceDeployment for a "
          + "rollback", true, () -> ctx.gateway.serviceDeployment(svc.currentServiceDeployment()));
    }
    probe("ecs:ListServiceDeployments", "to find the last completed revision when deploying over a deployment in "
        + "flight, and for deploy:rollback without last.json", false,
        () -> ctx.gateway.serviceDeployments(env.cluster(), env.service(), 1));
    for (EcsGateway.LoadBalancerView lb : svc.loadBalancers()) {
      if (lb.targetGroupArn() != null) {
        probe("elasticloadbalancing:DescribeTargetHealth", "for the HEALTH step", true,
            () -> ctx.gateway.targetHealth(lb.targetGroupArn()));
      }
    }
    if (ctx.request.checkPermissions()) {
      simulate();
    }
    return missing;
  }

  @FunctionalInterface
  private interface Call {
    Object run() throws AwsException;
  }

  /**
   * Makes the call; only a denial counts here. Any other error (a target group that is gone, throttling) is left to
   * the step that needs the call, which reports it in its own terms.
   */
  private void probe(String action, String purpose, boolean required, Call call) {
    try {
      call.run();
    } catch (AwsException e) {
      if (e.accessDenied()) {
        missing.add(new Missing(action, purpose, required));
      } else {
        ctx.log.debug("PREFLIGHT " + action + " answered " + e.getMessage() + "; left to the step that needs it");
      }
    }
  }

  private void simulate() {
    String principal = principalOf(ctx.caller);
    if (principal == null) {
      ctx.log.info("PREFLIGHT permissions: " + ctx.caller + " is not an IAM user or role; not simulated");
      return;
    }
    Map<String, String> purposes = new LinkedHashMap<>();
    purposes.put("ecs:RegisterTaskDefinition", "to register the new revision");
    purposes.put("ecs:UpdateService", "to deploy it and to roll back");
    purposes.put("ecs:StopServiceDeployment", "to stop a running deployment with ROLLBACK; without it the rollback "
        + "uses UpdateService");
    JsonNode proposed = ctx.draft.proposed();
    if (proposed.path("tags").size() > 0) {
      purposes.put("ecs:TagResource", "to keep the task definition's tags");
    }
    List<String> roles = new ArrayList<>();
    for (String field : List.of("executionRoleArn", "taskRoleArn")) {
      if (proposed.hasNonNull(field)) {
        roles.add(proposed.get(field).asText());
      }
    }
    try {
      Map<String, Boolean> allowed = ctx.gateway.simulatePermissions(principal,
          List.copyOf(purposes.keySet()), List.of());
      if (!roles.isEmpty()) {
        purposes.put("iam:PassRole", "to register a task definition with " + String.join(", ", roles));
        allowed.putAll(ctx.gateway.simulatePermissions(principal, List.of("iam:PassRole"), roles));
      }
      allowed.forEach((action, ok) -> {
        if (!ok) {
          missing.add(new Missing(action, purposes.getOrDefault(action, "needed"),
              !"ecs:StopServiceDeployment".equals(action)));
        }
      });
      ctx.log.info("PREFLIGHT permissions simulated for " + principal + ": " + allowed.size() + " action(s)");
    } catch (AwsException e) {
      ctx.log.warn("PREFLIGHT cannot simulate the permissions to change the service (" + e.getMessage()
          + "); going on without that check (-Ddeploy.checkPermissions=false skips it)");
    } catch (RuntimeException e) {
      ctx.log.warn("PREFLIGHT cannot simulate the permissions to change the service (" + e + "); going on");
    }
  }

  /**
   * The IAM principal behind an STS caller ARN: a user as it is, an assumed role as its role (without a path, which
   * the caller ARN does not carry); null for the root user and federated users.
   */
  static String principalOf(String callerArn) {
    if (callerArn == null) {
      return null;
    }
    var user = java.util.regex.Pattern.compile("arn:([^:]+):iam::(\\d{12}):user/.+").matcher(callerArn);
    if (user.matches()) {
      return callerArn;
    }
    var role = java.util.regex.Pattern.compile("arn:([^:]+):sts::(\\d{12}):assumed-role/([^/]+)/.+")
        .matcher(callerArn);
    if (role.matches()) {
      return "arn:" + role.group(1) + ":iam::" + role.group(2) + ":role/" + role.group(3);
    }
    return null;
  }
}
