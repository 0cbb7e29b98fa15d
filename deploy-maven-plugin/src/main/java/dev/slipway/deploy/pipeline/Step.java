package dev.slipway.deploy.pipeline;

/** The states of a deployment, in order; ROLLBACK is entered from any state after UPDATE when something fails. */
public enum Step {
  PREFLIGHT,
  CONFIRM,
  SNAPSHOT,
  REGISTER,
  UPDATE,
  WAIT,
  HEALTH,
  SMOKE,
  DONE,
  ROLLBACK
}
