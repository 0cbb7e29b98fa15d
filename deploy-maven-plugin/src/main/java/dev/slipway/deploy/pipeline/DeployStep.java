package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;

/**
 * One step of {@code deploy:ecs}, run by the {@link StepRunner} in order. A step reads and writes the shared
 * {@link DeployContext} and answers with a {@link StepResult}; it never journals its own outcome, never rolls back and
 * never decides what happens next: the runner does, the same way for every step. A step may throw: before the service
 * was changed the exception ends the deployment as it is; after, the runner rolls back.
 */
public interface DeployStep {
  Step id();

  /** Whether this step has anything to do in this deployment (SMOKE without smoke tests has not). */
  default boolean applies(DeployContext ctx) {
    return true;
  }

  StepResult run(DeployContext ctx)
      throws AwsException, InvalidInputException, DeployFailedException, InterruptedException;
}
