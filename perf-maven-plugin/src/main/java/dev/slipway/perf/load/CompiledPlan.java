package dev.slipway.perf.load;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenarios turned into what the event loops use on the hot path: the request bytes of every step, the endpoint
 * each step records into, and a weighted order in which scenarios are picked.
 */
final class CompiledPlan {
  static final class Step {
    final byte[] request;
    final int endpoint;
    final boolean head;
    final ExpectedStatus expect;
    final long thinkNanos;

    Step(byte[] request, int endpoint, boolean head, ExpectedStatus expect, long thinkNanos) {
      this.request = request;
      this.endpoint = endpoint;
      this.head = head;
      this.expect = expect;
      this.thinkNanos = thinkNanos;
    }
  }

  final Step[][] scenarios;
  final EndpointStats[] endpoints;
  /** Scenario indices in smooth weighted round-robin order; a loop walks it cyclically. */
  final int[] wheel;

  CompiledPlan(URI target, List<Scenario> scenarioList) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    scenarios = new Step[scenarioList.size()][];
    for (int s = 0; s < scenarioList.size(); s++) {
      List<RequestSpec> steps = scenarioList.get(s).steps();
      scenarios[s] = new Step[steps.size()];
      for (int i = 0; i < steps.size(); i++) {
        RequestSpec r = steps.get(i);
        int id = ids.computeIfAbsent(r.name(), n -> ids.size());
        scenarios[s][i] = new Step(bytes(target, r), id, r.method().equals("HEAD"), r.expect(), r.think().toNanos());
      }
    }
    endpoints = ids.keySet().stream().map(EndpointStats::new).toArray(EndpointStats[]::new);
    wheel = wheel(scenarioList);
  }

  static byte[] bytes(URI target, RequestSpec r) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n");
    Map<String, String> lower = new LinkedHashMap<>();
    r.headers().forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    if (!lower.containsKey("host")) {
      sb.append("Host: ").append(hostHeader(target)).append("\r\n");
    }
    if (!lower.containsKey("user-agent")) {
      sb.append("User-Agent: slipway-perf\r\n");
    }
    if (!lower.containsKey("accept")) {
      sb.append("Accept: */*\r\n");
    }
    r.headers().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("content-length")) {
        sb.append(k).append(": ").append(v).append("\r\n");
      }
    });
    boolean sendsBody = r.body().length > 0 || List.of("POST", "PUT", "PATCH").contains(r.method());
    if (sendsBody) {
      sb.append("Content-Length: ").append(r.body().length).append("\r\n");
    }
    sb.append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + r.body().length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(r.body(), 0, all, head.length, r.body().length);
    return all;
  }

  static String hostHeader(URI target) {
    int port = target.getPort();
    return port < 0 || port == 80 ? target.getHost() : target.getHost() + ":" + port;
  }

  private static int[] wheel(List<Scenario> list) {
    int[] w = list.stream().mapToInt(Scenario::weight).toArray();
    int g = 0;
    for (int x : w) {
      g = gcd(g, x);
    }
    if (g == 0) {
      throw new IllegalArgumentException("every scenario has weight 0");
    }
    long sum = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] /= g;
      sum += w[i];
    }
    // Scale very fine-grained weights down so the wheel stays small; proportions stay within 0.1 %.
    while (sum > 10_000) {
      sum = 0;
      for (int i = 0; i < w.length; i++) {
        w[i] = w[i] == 0 ? 0 : Math.max(1, w[i] / 2);
        sum += w[i];
      }
    }
    int[] wheel = new int[(int) sum];
    long[] current = new long[w.length];
    List<Integer> order = new ArrayList<>();
    for (int n = 0; n < sum; n++) {
      int best = -1;
      for (int i = 0; i < w.length; i++) {
        current[i] += w[i];
        if (w[i] > 0 && (best < 0 || current[i] > current[best])) {
          best = i;
        }
      }
      current[best] -= sum;
      order.add(best);
    }
    for (int i = 0; i < wheel.length; i++) {
      wheel[i] = order.get(i);
    }
    return wheel;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
