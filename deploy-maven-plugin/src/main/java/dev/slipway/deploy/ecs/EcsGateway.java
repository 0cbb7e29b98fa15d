package dev.slipway.deploy.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the deployment needs from AWS (ECS, STS, ELBv2), in Slipway's own types. One implementation talks to
 * AWS through the SDK ({@link AwsEcsGateway}); the core never sees an SDK type. Methods that change what is deployed
 * are marked "mutating": a dry run or a refused deployment calls none of them.
 */
public interface EcsGateway {

  /** The ARN of the identity the calls run as (STS GetCallerIdentity). */
  String callerIdentity() throws AwsException;

  /** The status of a cluster (ACTIVE, INACTIVE, ...) or null if it does not exist. */
  String clusterStatus(String cluster) throws AwsException;

  /** The service, or null if the cluster has no such service. */
  ServiceView service(String cluster, String service) throws AwsException;

  TaskDefinitionView taskDefinition(String reference) throws AwsException;

  /**
   * The task definition that {@link #register} would register: the register fields of {@code sourceArn} (never its
   * read-only fields), its tags, and each named container's image replaced.
   */
  TaskDefinitionDraft draft(String sourceArn, Map<String, String> imageByContainer) throws AwsException;

  /** Mutating: registers {@code draft} as a new revision of its family. */
  TaskDefinitionView register(TaskDefinitionDraft draft) throws AwsException;

  /**
   * Mutating: UpdateService with {@code taskDefinitionArn} (null keeps the current one), {@code desiredCount} (null
   * keeps it) and {@code deploymentConfiguration} in the shape {@link ServiceView} renders it (null or empty sends
   * none, so the service keeps its own). Returns the service as ECS answered, with the new PRIMARY deployment when
   * the revision changed.
   */
  ServiceView updateService(String cluster, String service, String taskDefinitionArn, Integer desiredCount,
      JsonNode deploymentConfiguration) throws AwsException;

  /** The service deployment (DescribeServiceDeployments), or null if ECS does not know it. */
  ServiceDeploymentView serviceDeployment(String arn) throws AwsException;

  /** The service's deployments, newest first (ListServiceDeployments, at most {@code limit}). */
  List<ServiceDeploymentSummary> serviceDeployments(String cluster, String service, int limit) throws AwsException;

  /** The task definition ARN of a service revision (DescribeServiceRevisions), or null if ECS does not know it. */
  String serviceRevisionTaskDefinition(String serviceRevisionArn) throws AwsException;

  /**
   * IAM SimulatePrincipalPolicy: for each action, whether {@code principalArn}'s policies allow it on
   * {@code resources} (empty: any resource). Needs iam:SimulatePrincipalPolicy itself.
   */
  Map<String, Boolean> simulatePermissions(String principalArn, List<String> actions, List<String> resources)
      throws AwsException;

  /** The load balancers a target group serves (ELBv2 DescribeTargetGroups). */
  List<String> loadBalancersOf(String targetGroupArn) throws AwsException;

  /** Mutating: StopServiceDeployment with stopType ROLLBACK. */
  void stopServiceDeploymentWithRollback(String arn) throws AwsException;

  /** Targets registered in a target group and their health (ELBv2 DescribeTargetHealth). */
  List<TargetHealth> targetHealth(String targetGroupArn) throws AwsException;

  /** A service as DescribeServices shows it. */
  record ServiceView(
      String arn, String name, String clusterArn, String status, int desiredCount, int runningCount,
      int pendingCount, String taskDefinition, String deploymentController, JsonNode deploymentConfiguration,
      List<DeploymentView> deployments, List<ServiceEvent> events, List<LoadBalancerView> loadBalancers,
      String currentServiceDeployment) {

    public DeploymentView deployment(String id) {
      return deployments.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    }

    public DeploymentView primary() {
      return deployments.stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElse(null);
    }
  }

  /** One entry of DescribeServices' deployments[]. */
  record DeploymentView(
      String id, String status, String taskDefinition, int desiredCount, int runningCount, int pendingCount,
      int failedTasks, String rolloutState, String rolloutStateReason, Instant createdAt, Instant updatedAt) {}

  record ServiceEvent(String id, Instant createdAt, String message) {}

  record LoadBalancerView(String targetGroupArn, String containerName, Integer containerPort, boolean advanced) {}

  /**
   * DescribeServiceDeployments' view: status is PENDING, IN_PROGRESS, SUCCESSFUL, ROLLBACK_*, STOP*; the revision it
   * deploys, the task count it asked for and the deployment configuration it ran with.
   */
  record ServiceDeploymentView(String arn, String status, String statusReason, Instant createdAt, Instant finishedAt,
      String targetServiceRevisionArn, Integer requestedTaskCount, JsonNode deploymentConfiguration) {
    public ServiceDeploymentView(String arn, String status, String statusReason, Instant createdAt,
        Instant finishedAt) {
      this(arn, status, statusReason, createdAt, finishedAt, null, null, null);
    }
  }

  /** One entry of ListServiceDeployments. */
  record ServiceDeploymentSummary(String arn, String status, Instant createdAt, Instant finishedAt,
      String targetServiceRevisionArn) {}

  record ContainerView(String name, String image) {}

  record TaskDefinitionView(String arn, String family, int revision, List<ContainerView> containers) {
    public ContainerView container(String name) {
      return containers.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }
  }

  /** What would be registered: the current and the proposed register fields, as JSON for diffs and journals. */
  record TaskDefinitionDraft(String sourceArn, String family, JsonNode current, JsonNode proposed) {}

  record TargetHealth(String id, Integer port, String state, String reason, String description) {}

  /** A failed AWS call: the service's error code (or a client-side reason) and whether retrying later may help. */
  final class AwsException extends Exception {
    private final String code;

    /** Whether the caller lacks the permission (AccessDenied, AccessDeniedException, UnauthorizedOperation). */
    public boolean accessDenied() {
      return code != null && (code.startsWith("AccessDenied") || code.equals("UnauthorizedOperation")
          || code.equals("UnauthorizedException"));
    }

    public AwsException(String code, String message, Throwable cause) {
      super(message, cause);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }
}
