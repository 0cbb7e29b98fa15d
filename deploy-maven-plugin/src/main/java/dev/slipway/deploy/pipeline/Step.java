package dev.slipway.deploy.pipeline;

/** The states of a deployment, in order; ROLLBACK is entered from any state after UPDATE when something fails. */
public enum Step {
  PREFLIGHT,
  /** A dry run's plan; never journaled. */
  PLAN,
  CONFIRM,
  SNAPSHOT,
  REGISTER,
  UPDATE,
  WAIT,
  HEALTH,
  SMOKE,
  MONITOR,
  DONE,
  ROLLBACK
}
