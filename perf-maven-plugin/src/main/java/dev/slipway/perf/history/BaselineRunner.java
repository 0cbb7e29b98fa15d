package dev.slipway.perf.history;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.results.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code perf:baseline}'s core: appends this build's runs to the history with the context they ran in, so that later
 * builds in the same context compare against them.
 */
public final class BaselineRunner {

  /**
   * @param current this build's results (file or folder)
   * @param history the JSON-lines history file
   * @param maxEntries lines kept (the oldest are dropped)
   * @param labels extra context, e.g. {@code runner=ubuntu-24.04}
   * @param projectDir for git context
   * @param env environment variables (CI's git variables)
   */
  public record Config(
      Path current, Path history, int maxEntries, Map<String, String> labels, Path projectDir,
      Map<String, String> env) {}

  /** What was recorded. */
  public record Outcome(int appended, int dropped, String build, Map<String, String> context) {}

  private final ResultsReader reader;
  private final Clock clock;
  private final Log log;

  public BaselineRunner(ResultsReader reader, Clock clock, Log log) {
    this.reader = reader;
    this.clock = clock;
    this.log = log;
  }

  public Outcome run(Config c) throws InvalidInputException, IOException {
    if (c.current() == null || !Files.exists(c.current())) {
      throw new InvalidInputException("perf.current = " + c.current() + ": no such file or folder; run perf:load "
          + "first, or point perf.current at result files");
    }
    List<RunResult> runs = reader.read(c.current());
    List<RunResult> complete = new ArrayList<>();
    for (RunResult r : runs) {
      if (r.complete()) {
        complete.add(r);
      } else {
        log.warn("perf:baseline: leaving out the run from " + r.source() + ": it stopped early (" + r.aborted()
            + ")");
      }
    }
    if (complete.isEmpty()) {
      throw new InvalidInputException("perf.current = " + c.current() + ": no complete result files to record");
    }
    Map<String, String> context = BuildContext.detect(c.projectDir(), c.env(), c.labels());
    Instant now = clock.instant();
    String commit = context.get("commit");
    String build = now + (commit != null ? "@" + commit.substring(0, Math.min(12, commit.length())) : "");
    List<HistoryEntry> entries = new ArrayList<>();
    for (RunResult r : complete) {
      entries.add(new HistoryEntry(HistoryEntry.VERSION_RUN, now, build, context, r));
    }
    int dropped = new HistoryFile(c.history()).append(entries, c.maxEntries());
    log.info("perf:baseline: recorded " + entries.size() + " run(s) of build " + build + " in " + c.history()
        + (dropped > 0 ? " (dropped the " + dropped + " oldest to keep " + c.maxEntries() + ")" : ""));
    log.info("perf:baseline: context " + context);
    return new Outcome(entries.size(), dropped, build, context);
  }
}
