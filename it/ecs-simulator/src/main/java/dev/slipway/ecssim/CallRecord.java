package dev.slipway.ecssim;

import java.util.Set;

/**
 * One request the simulator answered: when (simulator clock, epoch millis), which service and operation, whether it
 * changes state, the HTTP status it got, and the access key id that signed it (never the secret).
 */
public record CallRecord(
    long atMillis, String service, String operation, boolean mutating, int status, String accessKeyId,
    String requestBody) {

  /** Operations that change what is deployed; a dry run or a refused deployment must make none of them. */
  public static final Set<String> MUTATING =
      Set.of(
          "RegisterTaskDefinition", "DeregisterTaskDefinition", "UpdateService", "CreateService", "DeleteService",
          "CreateCluster", "DeleteCluster", "StopServiceDeployment", "RunTask", "StopTask", "StartTask",
          "TagResource", "UntagResource", "UpdateServicePrimaryTaskSet", "CreateTaskSet", "DeleteTaskSet",
          "ModifyTargetGroup", "RegisterTargets", "DeregisterTargets", "ModifyListener", "ModifyRule");

  public static boolean isMutating(String operation) {
    return MUTATING.contains(operation);
  }
}
