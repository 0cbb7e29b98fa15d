package dev.slipway.perf.history;

import dev.slipway.perf.compare.Runs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A separate writer process for {@link HistoryTest}: appends {@code count} entries named {@code prefix-i}. */
public final class AppendMain {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    for (int i = 0; i < count; i++) {
      new HistoryFile(file).append(List.of(new HistoryEntry(HistoryEntry.VERSION_RUN, Instant.now(), prefix + "-" + i,
          Map.of("writer", prefix), Runs.run(i, Runs.http("GET /a", 10, 100, 1000, 0)))), 10_000);
    }
  }
}
