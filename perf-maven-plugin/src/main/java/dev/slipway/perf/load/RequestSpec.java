package dev.slipway.perf.load;

import java.time.Duration;
import java.util.Map;

/**
 * One HTTP request of a scenario: {@code path} is relative to the target (it may carry a query string);
 * {@code think} is the pause after the response before the same virtual user sends its next request.
 */
public record RequestSpec(
    String name,
    String method,
    String path,
    Map<String, String> headers,
    byte[] body,
    ExpectedStatus expect,
    Duration think) {

  public RequestSpec {
    method = method == null ? "GET" : method.toUpperCase(java.util.Locale.ROOT);
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    name = name == null || name.isBlank() ? method + " " + path : name;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
    expect = expect == null ? ExpectedStatus.DEFAULT : expect;
    think = think == null ? Duration.ZERO : think;
  }

  public static RequestSpec get(String path) {
    return new RequestSpec(null, "GET", path, null, null, null, null);
  }
}
