package dev.slipway.perf.bench;

import dev.slipway.common.Log;
import dev.slipway.perf.load.ArrivalSchedule;
import dev.slipway.perf.load.LoadConfig;
import dev.slipway.perf.load.LoadRunner;
import dev.slipway.perf.load.Phase;
import dev.slipway.perf.load.RequestSpec;
import dev.slipway.perf.load.Scenario;
import dev.slipway.perf.report.ResultTable;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Not a test: an open-model run against a URL. Usage: OpenBench URL rate seconds connections threads. */
public final class OpenBench {
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    LoadConfig cfg = new LoadConfig(uri, List.of(Scenario.of(RequestSpec.get(uri.getRawPath()), 1)),
        WorkloadModel.OPEN, new ArrivalSchedule(List.of(Phase.constant(Duration.ofSeconds(Long.parseLong(args[2])),
        Double.parseDouble(args[1])))), null, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
        Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1), null);
    Log out = new Log() {
      public void debug(String m) {}
      public void info(String m) { System.out.println(m); }
      public void warn(String m) { System.out.println(m); }
      public void error(String m) { System.out.println(m); }
    };
    RunResult r = new LoadRunner(out).run(cfg, 1, null);
    ResultTable.render(r).forEach(System.out::println);
  }
}
