package dev.slipway.common.notify;

import dev.slipway.common.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Sends one message to the Slack channels it is meant for, within one overall time limit, and reports what happened
 * without ever failing the caller: a notification is never worth failing or holding up a deployment or a build.
 * Channels without a webhook are skipped silently (most builds configure only some).
 */
public final class Notifier {
  private final Map<Channel, SlackWebhook.Target> targets;
  private final SlackWebhook webhook;
  private final Duration limit;
  private final Supplier<Instant> now;
  private final Log log;

  public Notifier(Map<Channel, SlackWebhook.Target> targets, SlackWebhook webhook, Duration limit,
      Supplier<Instant> now, Log log) {
    this.targets = targets.isEmpty() ? Map.of() : new EnumMap<>(targets);
    this.webhook = webhook;
    this.limit = limit;
    this.now = now;
    this.log = log;
  }

  /** A notifier with no webhook at all: sends nothing. */
  public static Notifier none() {
    return new Notifier(Map.of(), null, Duration.ZERO, Instant::now, Log.silent());
  }

  /** The channels that have a webhook. */
  public Set<Channel> configured() {
    return targets.keySet();
  }

  /** Sends to each of {@code channels} that has a webhook, in order, all within the time limit. */
  public List<SlackWebhook.Delivery> send(Set<Channel> channels, SlackMessage message) {
    List<SlackWebhook.Delivery> out = new ArrayList<>();
    Instant deadline = now.get().plus(limit);
    for (Channel c : Channel.values()) {
      SlackWebhook.Target t = targets.get(c);
      if (!channels.contains(c) || t == null) {
        continue;
      }
      SlackWebhook.Delivery d;
      try {
        d = webhook.post(t, message, deadline);
      } catch (RuntimeException e) {
        d = new SlackWebhook.Delivery(c, t.source(), false, 0, "unexpected error: " + e.getClass().getSimpleName());
      }
      out.add(d);
      if (d.delivered()) {
        log.info("NOTIFY " + t + ": delivered" + (d.attempts() > 1 ? " after " + d.attempts() + " attempts" : ""));
      } else {
        log.warn("NOTIFY " + t + ": not delivered (" + d.detail() + ")");
      }
    }
    return out;
  }
}
