package dev.slipway.deploy.pipeline;

import java.time.Instant;

/** What a {@link DeployStep} answered: done (with a journal line), failed (and how to undo it), or stop here. */
public sealed interface StepResult {

  /** The step did its work; {@code detail} goes to the journal. */
  record Ok(String detail, Instant at) implements StepResult {}

  /**
   * The step found the deployment bad.
   *
   * @param undo who puts the service back: us, ECS (already rolling back), or nobody because the service is no
   *     longer ours to change (another deployment superseded this one)
   */
  record Failed(String reason, Instant at, Undo undo) implements StepResult {}

  /** End the run here without an outcome (the plan of a dry run has been printed). */
  record Stop(String detail) implements StepResult {}

  /** Who undoes a failed deployment. */
  enum Undo {
    ROLL_BACK,
    ECS_IS_ROLLING_BACK,
    NOT_OURS
  }

  static StepResult ok(String detail, Instant at) {
    return new Ok(detail, at);
  }

  static StepResult failed(String reason, Instant at) {
    return new Failed(reason, at, Undo.ROLL_BACK);
  }
}
