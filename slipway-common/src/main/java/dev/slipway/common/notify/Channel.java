package dev.slipway.common.notify;

import java.util.Locale;

/**
 * The Slack webhooks Slipway posts to, one per purpose as the old pipeline's secrets were: {@code GENERAL} (releases
 * and production deployments), {@code DEPLOYS} (every deployment's outcome), {@code CRITICAL} (rollbacks and anything
 * that needs a person now), {@code PERFORMANCE} (regressions found by perf:compare).
 */
public enum Channel {
  GENERAL,
  DEPLOYS,
  CRITICAL,
  PERFORMANCE;

  /** The environment variable holding this webhook's URL by default: {@code SLACK_WEBHOOK_DEPLOYS}. */
  public String defaultEnv() {
    return "SLACK_WEBHOOK_" + name();
  }

  /** The settings.xml server whose password holds this webhook's URL by default: {@code slack-deploys}. */
  public String defaultServer() {
    return "slack-" + name().toLowerCase(Locale.ROOT);
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
