package dev.slipway.perf.history;

import dev.slipway.common.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code perf:accept}'s core: records in the history that a change of performance is intended, so that later
 * comparisons of the covered metrics use only builds from that point on (a regression is otherwise never taken as
 * the new normal). The marker is one history line ({@code "v": 2, "accept": {...}}), appended under the same lock
 * as runs.
 */
public final class AcceptRunner {

  /**
   * @param history the JSON-lines history file
   * @param metrics globs of the metrics whose shift is accepted ({@code *} = all)
   * @param commit first commit of the new normal; null = this build's commit (or, outside git, builds recorded from
   *     now on)
   * @param reason why, shown in every later report
   * @param maxEntries lines the history keeps
   * @param projectDir for git context
   * @param env environment variables (CI's git variables)
   */
  public record Config(Path history, List<String> metrics, String commit, String reason, int maxEntries,
      Path projectDir, Map<String, String> env) {}

  private final Clock clock;
  private final Log log;

  public AcceptRunner(Clock clock, Log log) {
    this.clock = clock;
    this.log = log;
  }

  public HistoryEntry run(Config c) throws IOException {
    Map<String, String> context = BuildContext.detect(c.projectDir(), c.env(), Map.of());
    String commit = c.commit() != null && !c.commit().isBlank() ? c.commit().strip() : context.get("commit");
    Instant now = clock.instant();
    HistoryEntry marker = new HistoryEntry(HistoryEntry.VERSION, now, null, context, null,
        new HistoryEntry.Accept(c.metrics(), commit, c.reason()));
    new HistoryFile(c.history()).append(List.of(marker), c.maxEntries());
    log.info("perf:accept: recorded in " + c.history() + " that " + String.join(",", marker.accept().metrics())
        + " have a new normal from " + (commit != null ? "commit " + commit : "builds recorded after " + now)
        + (c.reason() == null || c.reason().isBlank() ? "" : " (" + c.reason() + ")")
        + "; commit the history file (or save the CI cache) so later builds see it");
    return marker;
  }
}
