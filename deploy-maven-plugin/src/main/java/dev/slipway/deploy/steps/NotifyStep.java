package dev.slipway.deploy.steps;

import dev.slipway.common.notify.Channel;
import dev.slipway.common.notify.SlackMessage;
import dev.slipway.common.notify.SlackWebhook;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * NOTIFY, once the outcome is decided: a Block Kit message to Slack, to {@code deploys} always, to {@code critical} on
 * any rollback (and a failed one), to {@code general} when production was deployed. Bounded in time by the notifier
 * and never failing the deployment; what was delivered is journaled.
 */
public final class NotifyStep implements DeployStep {
  @Override
  public Step id() {
    return Step.NOTIFY;
  }

  @Override
  public boolean applies(DeployContext ctx) {
    return !ctx.notifier.configured().isEmpty();
  }

  /** The channels an outcome goes to. */
  static Set<Channel> channels(DeployContext ctx) {
    String outcome = ctx.record().outcome;
    Set<Channel> channels = EnumSet.of(Channel.DEPLOYS);
    if (Outcomes.rolledBack(outcome)) {
      channels.add(Channel.CRITICAL);
    }
    if ("SUCCEEDED".equals(outcome) && ctx.env.production()) {
      channels.add(Channel.GENERAL);
    }
    return channels;
  }

  @Override
  public StepResult run(DeployContext ctx) {
    JournalRecord r = ctx.record();
    String headline = Outcomes.headline(ctx);
    SlackMessage message = new SlackMessage(ctx.redactor.redact(headline + " (" + ctx.request.image() + ")"))
        .header(headline);
    var facts = Outcomes.facts(ctx);
    facts.replaceAll((k, v) -> v == null ? null : ctx.redactor.redact(v));
    message.fields(facts);
    if (r.failure != null) {
      message.text(ctx.redactor.redact("Failure: " + r.failure + (r.rollback == null ? ""
          : "\nRollback: " + r.rollback.method + ", " + (r.rollback.succeeded ? "succeeded" : "FAILED") + ": "
          + r.rollback.detail)));
    }
    message.links(Outcomes.links(ctx));
    List<SlackWebhook.Delivery> deliveries = ctx.notifier.send(channels(ctx), message);
    r.notifications = JournalRecord.Notification.of(deliveries, ctx.redactor);
    long delivered = deliveries.stream().filter(SlackWebhook.Delivery::delivered).count();
    String detail = delivered + " of " + deliveries.size() + " Slack message(s) delivered"
        + (deliveries.isEmpty() ? " (no webhook for " + channels(ctx) + ")" : "");
    return delivered == deliveries.size() ? StepResult.ok(detail, ctx.clock.now())
        : StepResult.failed(detail, ctx.clock.now());
  }
}
