package dev.slipway.deploy.steps;

import dev.slipway.common.Durations;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.monitor.Monitor;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;

/**
 * MONITOR: watches CloudWatch for the environment's window after SMOKE (see {@link Monitor}); a high error rate or an
 * alarm in ALARM fails the deployment and rolls it back. Too little traffic to judge passes, with NOT JUDGED in the
 * log, the journal and the notifications.
 */
public final class MonitorStep implements DeployStep {
  @Override
  public Step id() {
    return Step.MONITOR;
  }

  @Override
  public boolean applies(DeployContext ctx) {
    return ctx.env.monitors();
  }

  @Override
  public StepResult run(DeployContext ctx) throws AwsException, InterruptedException {
    Monitor.Report r = new Monitor(ctx.cloudWatch, ctx.clock, ctx.log).run(ctx.env.monitor(), ctx.monitorQueries,
        ctx::aborted);
    ctx.record().monitor = journal(r);
    return switch (r.verdict()) {
      case PASSED -> {
        ctx.log.info("MONITOR passed: " + r.detail());
        yield StepResult.ok(r.detail(), r.decidedAt());
      }
      case NOT_JUDGED -> {
        ctx.log.warn("MONITOR " + r.detail());
        yield StepResult.ok(r.detail(), r.decidedAt());
      }
      case FAILED, INTERRUPTED -> StepResult.failed(r.detail(), r.decidedAt());
    };
  }

  private static JournalRecord.Monitor journal(Monitor.Report r) {
    JournalRecord.Monitor m = new JournalRecord.Monitor();
    m.verdict = r.verdict().name();
    m.detail = r.detail();
    m.startedAt = r.startedAt();
    m.decidedAt = r.decidedAt();
    m.window = Durations.format(r.window());
    m.thresholdPercent = r.thresholdPercent();
    m.minRequests = r.minRequests();
    m.requests = r.requests();
    m.errors = r.errors();
    m.errorRatePercent = r.ratePercent();
    for (Monitor.Sample s : r.samples()) {
      JournalRecord.Sample j = new JournalRecord.Sample();
      j.at = s.at();
      j.requests = s.requests();
      j.errors = s.errors();
      j.errorRatePercent = s.ratePercent();
      j.alarms = s.alarms().isEmpty() ? null : s.alarms();
      m.samples.add(j);
    }
    return m;
  }
}
