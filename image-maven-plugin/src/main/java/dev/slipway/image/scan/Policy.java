package dev.slipway.image.scan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what the findings mean: each finding is suppressed (an unexpired suppression covers it), ignored as
 * unfixed (with {@code ignoreUnfixed}: Trivy's status is not {@code fixed}, as {@code --ignore-unfixed} decides),
 * failing (its severity is one the policy fails on) or reported only. The verdict passes when nothing fails. Expired
 * suppressions do not suppress; the result lists them, with the findings they would have covered, so a report can
 * name them.
 */
public final class Policy {
  /** What became of a finding. */
  public enum Disposition { FAILS, REPORTED, UNFIXED_IGNORED, SUPPRESSED }

  /** One finding and what the policy made of it; {@code by} is the suppression that covered it, if any. */
  public record Judged(Finding finding, Disposition disposition, Suppressions.Suppression by) {}

  /**
   * @param used unexpired suppressions that covered at least one finding, with how many
   * @param expired expired suppressions, with how many findings they would have covered
   * @param unused unexpired suppressions that covered nothing (candidates for removal)
   */
  public record Result(List<Judged> judged, Map<Suppressions.Suppression, Integer> used,
      Map<Suppressions.Suppression, Integer> expired, List<Suppressions.Suppression> unused) {

    public boolean pass() {
      return judged.stream().noneMatch(j -> j.disposition() == Disposition.FAILS);
    }

    public List<Judged> failing() {
      return judged.stream().filter(j -> j.disposition() == Disposition.FAILS).toList();
    }
  }

  private final Set<Severity> failOn;
  private final boolean ignoreUnfixed;
  private final List<Suppressions.Suppression> suppressions;

  public Policy(Set<Severity> failOn, boolean ignoreUnfixed, List<Suppressions.Suppression> suppressions) {
    this.failOn = failOn;
    this.ignoreUnfixed = ignoreUnfixed;
    this.suppressions = List.copyOf(suppressions);
  }

  public Result apply(List<Finding> findings, Instant now) {
    Map<Suppressions.Suppression, Integer> used = new IdentityHashMap<>();
    Map<Suppressions.Suppression, Integer> expired = new IdentityHashMap<>();
    List<Judged> judged = new ArrayList<>();
    for (Finding f : findings) {
      Suppressions.Suppression by = null;
      for (Suppressions.Suppression s : suppressions) {
        if (!s.covers(f)) {
          continue;
        }
        if (s.expired(now)) {
          expired.merge(s, 1, Integer::sum);
        } else if (by == null) {
          by = s;
        }
      }
      Disposition d;
      if (by != null) {
        used.merge(by, 1, Integer::sum);
        d = Disposition.SUPPRESSED;
      } else if (ignoreUnfixed && !f.fixed()) {
        d = Disposition.UNFIXED_IGNORED;
      } else if (failOn.contains(f.severity())) {
        d = Disposition.FAILS;
      } else {
        d = Disposition.REPORTED;
      }
      judged.add(new Judged(f, d, by));
    }
    // in the order the entries were written, for stable reports
    Map<Suppressions.Suppression, Integer> usedOrdered = new LinkedHashMap<>();
    Map<Suppressions.Suppression, Integer> expiredOrdered = new LinkedHashMap<>();
    List<Suppressions.Suppression> unused = new ArrayList<>();
    for (Suppressions.Suppression s : suppressions) {
      if (s.expired(now)) {
        expiredOrdered.put(s, expired.getOrDefault(s, 0));
      } else if (used.containsKey(s)) {
        usedOrdered.put(s, used.get(s));
      } else {
        unused.add(s);
      }
    }
    return new Result(judged, usedOrdered, expiredOrdered, unused);
  }
}
