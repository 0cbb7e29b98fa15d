package dev.slipway.perf.load;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * An open-model phase as the user wrote it in the POM ({@code <phases><phase>}); {@link #phases(List)} validates and
 * turns them into {@link Phase}s, naming the phase by its position in errors.
 *
 * @param duration e.g. {@code 30s}
 * @param arrivalRate arrivals per second at the start of the phase, {@code >= 0}
 * @param rampTo arrivals per second at the end; {@code null}: constant at {@code arrivalRate}
 */
public record PhaseSettings(String duration, double arrivalRate, Double rampTo) {

  /** The phases the POM describes, in order; an empty or {@code null} list gives none. */
  public static List<Phase> phases(List<PhaseSettings> phases) throws InvalidInputException {
    List<Phase> out = new ArrayList<>();
    if (phases == null) {
      return out;
    }
    for (int i = 0; i < phases.size(); i++) {
      out.add(phases.get(i).toPhase("<phases><phase> #" + (i + 1)));
    }
    return out;
  }

  /** This phase; {@code where} locates it in error messages. */
  public Phase toPhase(String where) throws InvalidInputException {
    try {
      return new Phase(Durations.parse(duration, where + " <duration>"), arrivalRate,
          rampTo == null ? arrivalRate : rampTo);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(where + ": " + e.getMessage());
    }
  }
}
