package dev.slipway.perf.history;

import dev.slipway.perf.compare.BaselineSide;
import dev.slipway.perf.compare.CompareReport.AcceptedShift;
import dev.slipway.perf.compare.CompareReport.ChangePointResult;
import dev.slipway.perf.compare.MetricId;
import dev.slipway.perf.compare.MetricSelection;
import dev.slipway.perf.compare.SideData;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.stats.Direction;
import dev.slipway.perf.stats.EDivisive;
import dev.slipway.perf.stats.Numbers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A baseline taken from the history: builds whose context matches the current one on the configured keys, each
 * build kept as its own unit (its runs together). Per metric:
 *
 * <ul>
 *   <li>builds before the newest accepted shift ({@code perf:accept}) that covers the metric are left out, so an
 *       intended change becomes the new normal at once;</li>
 *   <li>the series of per-build medians (the current build last) is searched for change points (E-Divisive means);
 *       an <em>improvement</em> starts the baseline afresh, while a <em>regression</em> is never taken as the new
 *       normal on its own: it is reported (and fails the metric) until someone accepts it;</li>
 *   <li>the baseline is the newest {@code baselineBuilds} builds of what remains.</li>
 * </ul>
 */
public final class HistoryBaseline {
  private HistoryBaseline() {}

  /**
   * @param baseline per metric, the builds of its window
   * @param changePoints every confirmed change point per metric (the current build is the last point of each series)
   * @param regressions per metric, a change point in its window that made it worse by at least the minimum effect
   *     and that nobody accepted
   * @param accepted the accept markers in the history, oldest first
   * @param matchingRuns history runs in the same context
   * @param totalRuns history runs in any context
   */
  public record Result(
      BaselineSide baseline,
      List<ChangePointResult> changePoints,
      Map<MetricId, ChangePointResult> regressions,
      List<AcceptedShift> accepted,
      int matchingRuns,
      int totalRuns) {}

  public static Result build(
      List<HistoryEntry> history,
      Map<String, String> context,
      List<String> keys,
      int baselineBuilds,
      EDivisive detector,
      MetricSelection selection,
      SideData current,
      double minEffect) {
    if (baselineBuilds < 2) {
      throw new IllegalArgumentException("perf.baselineBuilds = " + baselineBuilds + " is not accepted; expected >= 2");
    }
    List<HistoryEntry> markers = history.stream().filter(HistoryEntry::isAcceptMarker)
        .sorted(Comparator.comparing(HistoryEntry::time)).toList();
    List<HistoryEntry> runs = history.stream().filter(e -> !e.isAcceptMarker()).toList();
    List<HistoryEntry> matching = new ArrayList<>(runs.stream().filter(e -> e.matches(context, keys)).toList());
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

    Map<MetricId, BaselineSide.Series> series = new LinkedHashMap<>();
    Map<MetricId, ChangePointResult> regressions = new LinkedHashMap<>();
    List<ChangePointResult> changePoints = new ArrayList<>();
    Set<HistoryEntry> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (MetricId id : ids) {
      int cutoff = cutoff(markers, id, buildList);
      List<Integer> buildIdx = new ArrayList<>();
      List<Double> levels = new ArrayList<>();
      SideData.Values any = null;
      for (int i = cutoff; i < perBuild.size(); i++) {
        SideData.Values v = perBuild.get(i).metrics().get(id);
        if (v != null && !v.values().isEmpty()) {
          buildIdx.add(i);
          levels.add(Numbers.median(v.array()));
          any = v;
        }
      }
      if (any == null) {
        continue;
      }
      int historyPoints = levels.size();
      SideData.Values cur = current.metrics().get(id);
      if (cur != null && !cur.values().isEmpty()) {
        levels.add(Numbers.median(cur.array()));
      }
      Direction dir = EndpointResult.ERROR_RATE.equals(id.metric()) ? Direction.LOWER_IS_BETTER
          : selection.direction(id.endpoint(), id.metric(), any.higherIsBetter());
      List<EDivisive.ChangePoint> cps =
          detector.detect(levels.stream().mapToDouble(Double::doubleValue).toArray());
      int start = 0; // position in buildIdx
      List<ChangePointResult> mine = new ArrayList<>();
      for (EDivisive.ChangePoint cp : cps) {
        boolean inHistory = cp.index() < historyPoints;
        HistoryEntry first = inHistory ? buildList.get(buildIdx.get(cp.index())).get(0) : null;
        double change = cp.change();
        boolean improvement = Double.isFinite(change) && dir.regression(1 + change) < 0;
        boolean resets = inHistory && improvement;
        if (resets) {
          start = cp.index();
        }
        mine.add(new ChangePointResult(id.endpoint(), id.metric(), cp.index(),
            inHistory ? first.context().get("commit") : "this build", inHistory ? first.time() : null,
            cp.meanBefore(), cp.meanAfter(), Double.isFinite(change) ? change : null, cp.pValue(), resets, false));
      }
      // only the newest reset counts; earlier ones are history
      for (int i = 0; i < mine.size(); i++) {
        ChangePointResult c = mine.get(i);
        if (c.resetsBaseline() && c.index() != start) {
          mine.set(i, new ChangePointResult(c.endpoint(), c.metric(), c.index(), c.commit(), c.time(), c.before(),
              c.after(), c.change(), c.pValue(), false, false));
        }
      }
      for (ChangePointResult c : mine) {
        boolean worse = c.change() != null && dir.regression(1 + c.change()) >= minEffect - 1e-9;
        if (worse && c.index() >= start && !regressions.containsKey(id)) {
          regressions.put(id, c);
        } else if (worse && c.index() >= start) {
          regressions.put(id, c); // the newest one
        }
      }
      changePoints.addAll(mine);
      List<double[]> window = new ArrayList<>();
      int firstPos = Math.max(start, historyPoints - baselineBuilds);
      long errors = 0;
      long requests = 0;
      int runCount = 0;
      for (int pos = firstPos; pos < historyPoints; pos++) {
        SideData.Values v = perBuild.get(buildIdx.get(pos)).metrics().get(id);
        window.add(v.array());
        errors += v.errors();
        requests += v.requests();
        runCount += v.runs();
        used.addAll(buildList.get(buildIdx.get(pos)));
      }
      if (!window.isEmpty()) {
        series.put(id, new BaselineSide.Series(window, any.unit(), any.higherIsBetter(), errors, requests,
            runCount));
      }
    }
    List<AcceptedShift> accepted = markers.stream().map(m -> new AcceptedShift(m.time(), m.accept().commit(),
        m.accept().metrics(), m.accept().reason())).toList();
    return new Result(new BaselineSide(series, used.size(), true), changePoints, regressions, accepted,
        matching.size(), runs.size());
  }

  /**
   * Index of the first build that counts for {@code id}: the newest accept marker covering it starts the new normal
   * at its commit's first build, or (when that commit has no build in the history) at the first build recorded
   * after the marker.
   */
  static int cutoff(List<HistoryEntry> markers, MetricId id, List<List<HistoryEntry>> builds) {
    for (int m = markers.size() - 1; m >= 0; m--) {
      HistoryEntry.Accept a = markers.get(m).accept();
      boolean covers = a.metrics().stream().anyMatch(g -> MetricSelection.matches(g, id.endpoint(), id.metric()));
      if (!covers) {
        continue;
      }
      if (a.commit() != null) {
        for (int i = 0; i < builds.size(); i++) {
          String commit = builds.get(i).get(0).context().get("commit");
          if (commit != null && (commit.equals(a.commit()) || commit.startsWith(a.commit()))) {
            return i;
          }
        }
      }
      for (int i = 0; i < builds.size(); i++) {
        if (builds.get(i).get(0).time().isAfter(markers.get(m).time())) {
          return i;
        }
      }
      return builds.size();
    }
    return 0;
  }
}
