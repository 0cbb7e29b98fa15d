package dev.slipway.perf.history;

import dev.slipway.perf.compare.CompareReport.ChangePointResult;
import dev.slipway.perf.compare.MetricId;
import dev.slipway.perf.compare.MetricSelection;
import dev.slipway.perf.compare.SideData;
import dev.slipway.perf.stats.EDivisive;
import dev.slipway.perf.stats.Numbers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A baseline taken from the history: only runs whose context matches the current one on the configured keys; per
 * metric, the series of per-build medians is searched for change points (E-Divisive means), and the baseline is the
 * newest {@code baselineRuns} runs after the last confirmed change point, so that an accepted shift in performance
 * (a deliberate change, a new machine type) becomes the new normal instead of failing every later build.
 */
public final class HistoryBaseline {
  private HistoryBaseline() {}

  /**
   * @param baseline the selected runs' values per metric
   * @param changePoints every confirmed change point per metric (the current build is the last point of each series)
   * @param matchingRuns history runs in the same context
   */
  public record Result(
      SideData baseline, List<ChangePointResult> changePoints, int matchingRuns, int totalRuns) {}

  public static Result build(
      List<HistoryEntry> history,
      Map<String, String> context,
      List<String> keys,
      int baselineRuns,
      EDivisive detector,
      MetricSelection selection,
      SideData current) {
    if (baselineRuns < 2) {
      throw new IllegalArgumentException("perf.baselineRuns = " + baselineRuns + " is not accepted; expected >= 2");
    }
    List<HistoryEntry> matching = new ArrayList<>(history.stream().filter(e -> e.matches(context, keys)).toList());
    matching.sort(Comparator.comparing(HistoryEntry::time));
    Map<String, List<HistoryEntry>> builds = new LinkedHashMap<>();
    for (HistoryEntry e : matching) {
      String id = e.build() != null ? e.build() : e.time().toString();
      builds.computeIfAbsent(id, k -> new ArrayList<>()).add(e);
    }
    List<List<HistoryEntry>> buildList = new ArrayList<>(builds.values());
    List<SideData> perBuild = new ArrayList<>();
    Set<MetricId> ids = new LinkedHashSet<>();
    for (List<HistoryEntry> b : buildList) {
      SideData d = SideData.of(b.stream().map(HistoryEntry::result).toList(), selection);
      perBuild.add(d);
      ids.addAll(d.metrics().keySet());
    }

    SideData baseline = new SideData();
    Map<HistoryEntry, Boolean> used = new IdentityHashMap<>();
    List<ChangePointResult> changePoints = new ArrayList<>();
    for (MetricId id : ids) {
      List<Integer> buildIdx = new ArrayList<>();
      List<Double> series = new ArrayList<>();
      for (int i = 0; i < perBuild.size(); i++) {
        SideData.Values v = perBuild.get(i).metrics().get(id);
        if (v != null && !v.values().isEmpty()) {
          buildIdx.add(i);
          series.add(Numbers.median(v.array()));
        }
      }
      int historyPoints = series.size();
      SideData.Values cur = current.metrics().get(id);
      if (cur != null && !cur.values().isEmpty()) {
        series.add(Numbers.median(cur.array()));
      }
      List<EDivisive.ChangePoint> cps =
          detector.detect(series.stream().mapToDouble(Double::doubleValue).toArray());
      int startBuild = 0;
      EDivisive.ChangePoint resetAt = null;
      for (EDivisive.ChangePoint cp : cps) {
        if (cp.index() < historyPoints) {
          startBuild = buildIdx.get(cp.index());
          resetAt = cp;
        }
      }
      for (EDivisive.ChangePoint cp : cps) {
        boolean inHistory = cp.index() < historyPoints;
        HistoryEntry first = inHistory ? buildList.get(buildIdx.get(cp.index())).get(0) : null;
        double change = cp.change();
        changePoints.add(new ChangePointResult(id.endpoint(), id.metric(), cp.index(),
            inHistory ? first.context().get("commit") : "this build", inHistory ? first.time() : null,
            cp.meanBefore(), cp.meanAfter(), Double.isFinite(change) ? change : null, cp.pValue(), cp == resetAt));
      }
      List<HistoryEntry> window = new ArrayList<>();
      for (int i = startBuild; i < buildList.size(); i++) {
        if (perBuild.get(i).metrics().containsKey(id)) {
          window.addAll(buildList.get(i));
        }
      }
      List<HistoryEntry> newest = window.subList(Math.max(0, window.size() - baselineRuns), window.size());
      for (HistoryEntry e : newest) {
        baseline.add(e.result(), selection, id::equals);
        used.put(e, Boolean.TRUE);
      }
    }
    baseline.runs(used.size());
    return new Result(baseline, changePoints, matching.size(), history.size());
  }
}
