package dev.slipway.perf.load;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A weighted request as the user wrote it in the POM ({@code <requests><request>}): text fields not yet parsed.
 * {@link #scenarios(List)} validates and turns them into one-step {@link Scenario}s; errors name the request by its
 * position and the element at fault.
 *
 * @param name display name; {@code null}: method and path
 * @param method HTTP method; {@code null}: GET
 * @param path path relative to the target, with an optional query
 * @param headers request headers, or {@code null}
 * @param body request body (sent as UTF-8), or {@code null}
 * @param expect accepted statuses, e.g. {@code 200,404} or {@code 2xx}; {@code null}: 2xx and 3xx
 * @param weight share of arrivals or iterations; must be {@code >= 0}
 * @param think pause after the response, e.g. {@code 100ms}, or {@code null}
 */
public record RequestSettings(
    String name,
    String method,
    String path,
    Map<String, String> headers,
    String body,
    String expect,
    int weight,
    String think) {

  /** The scenarios the POM's requests describe, in order; an empty or {@code null} list gives none. */
  public static List<Scenario> scenarios(List<RequestSettings> requests) throws InvalidInputException {
    List<Scenario> out = new ArrayList<>();
    if (requests == null) {
      return out;
    }
    for (int i = 0; i < requests.size(); i++) {
      out.add(requests.get(i).toScenario("<requests><request> #" + (i + 1)));
    }
    return out;
  }

  /** This request as a one-step scenario; {@code where} locates it in error messages. */
  public Scenario toScenario(String where) throws InvalidInputException {
    if (weight < 0) {
      throw new InvalidInputException(where + " <weight>: must be a whole number >= 0 (0 sends none), was " + weight);
    }
    RequestSpec spec = new RequestSpec(name, method, path, headers,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        expect == null ? null : ExpectedStatus.parse(expect, where + " <expect>"),
        think == null ? null : Durations.parse(think, where + " <think>"));
    return Scenario.of(spec, weight);
  }
}
