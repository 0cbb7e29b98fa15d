package dev.slipway.perf.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request of a scenario: {@code path} is relative to the target (it may carry a query string);
 * {@code think} is the pause after the response before the same virtual user sends its next request.
 *
 * <p>Artillery scripts add templates ({@code {{ }}} in the path, header values or the JSON body, rendered per virtual
 * user from its variables), {@code captures} that take values from the response, and {@code checks} on it (expect).
 * A request without any of them is encoded once and sent as the same bytes every time.
 *
 * @param jsonTemplate a JSON body with templates, rendered per request; null when {@code body} is fixed
 */
public record RequestSpec(
    String name,
    String method,
    String path,
    Map<String, String> headers,
    byte[] body,
    ExpectedStatus expect,
    Duration think,
    JsonNode jsonTemplate,
    List<Capture> captures,
    List<Check> checks) implements FlowStep {

  public RequestSpec {
    method = method == null ? "GET" : method.toUpperCase(java.util.Locale.ROOT);
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    if (!path.startsWith("/") && !path.startsWith("{{")) {
      path = "/" + path;
    }
    name = name == null || name.isBlank() ? method + " " + path : name;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
    expect = expect == null ? ExpectedStatus.DEFAULT : expect;
    think = think == null ? Duration.ZERO : think;
    captures = captures == null ? List.of() : List.copyOf(captures);
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  public RequestSpec(String name, String method, String path, Map<String, String> headers, byte[] body,
      ExpectedStatus expect, Duration think) {
    this(name, method, path, headers, body, expect, think, null, null, null);
  }

  public static RequestSpec get(String path) {
    return new RequestSpec(null, "GET", path, null, null, null, null);
  }

  /** Whether the request's bytes depend on the virtual user (templates). */
  boolean dynamic() {
    return jsonTemplate != null || Template.has(path) || headers.values().stream().anyMatch(Template::has);
  }

  /** Whether the response's headers and body must be kept (captures, checks other than status). */
  boolean keepsResponse() {
    return !captures.isEmpty() || checks.stream().anyMatch(Check::needsResponse);
  }

  RequestSpec withThink(Duration more) {
    return new RequestSpec(name, method, path, headers, body, expect, think.plus(more), jsonTemplate, captures,
        checks);
  }
}
