package dev.slipway.perf.mojo;

import java.util.Map;

/**
 * A weighted request configured in the POM ({@code <requests><request>...}): {@code method} (GET), {@code path}
 * (/), {@code headers}, {@code body}, {@code expect} (status codes or classes, default {@code 2xx,3xx}),
 * {@code weight} (1) and {@code think} (pause after the response, e.g. {@code 100ms}).
 */
public class Request {
  String name;
  String method = "GET";
  String path = "/";
  Map<String, String> headers;
  String body;
  String expect;
  int weight = 1;
  String think;
}
