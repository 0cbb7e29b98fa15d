package dev.slipway.deploy.pipeline;

/** The states of a deployment, in order; ROLLBACK is entered from any state after UPDATE when something fails. */
public enum Step {
  PREFLIGHT,
  /** The image's signature and scan vouch for its digest (before anything is registered). */
  VERIFY,
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
  ROLLBACK,
  /** After the outcome, never changing it: the GitHub release, Slack, the CI step summary. */
  RELEASE,
  NOTIFY,
  SUMMARY
}
