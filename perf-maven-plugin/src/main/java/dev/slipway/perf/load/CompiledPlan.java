package dev.slipway.perf.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scenarios turned into what the event loops use on the hot path: each flow as a small program (requests, pauses,
 * loops), the request bytes of every step without templates, the endpoint each step records into, and a weighted
 * order in which scenarios are picked. {@link #next(Vu)} runs a virtual user's program up to its next request.
 */
final class CompiledPlan {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final class Step {
    /** The request's bytes, or null when they depend on the virtual user's variables. */
    final byte[] request;
    final RequestSpec spec;
    final int endpoint;
    final boolean head;
    final ExpectedStatus expect;
    /** Whether headers and body of the response are kept (captures, checks). */
    final boolean keep;
    final List<Check> statusChecks;
    final List<Check> otherChecks;

    Step(byte[] request, RequestSpec spec, int endpoint) {
      this.request = request;
      this.spec = spec;
      this.endpoint = endpoint;
      this.head = spec.method().equals("HEAD");
      this.expect = spec.expect();
      this.keep = spec.keepsResponse();
      this.statusChecks = spec.checks().stream().filter(Check::isStatus).toList();
      this.otherChecks = spec.checks().stream().filter(c -> !c.isStatus()).toList();
    }
  }

  static final int REQUEST = 0;
  static final int THINK = 1;
  static final int LOOP = 2;
  static final int END_LOOP = 3;

  /** One instruction: a request, a pause, or the start/end of a loop ({@code jump} pairs them). */
  static final class Ins {
    final int op;
    final Step step;
    final long nanos;
    final FlowStep.Loop loop;
    int jump;

    Ins(int op, Step step, long nanos, FlowStep.Loop loop) {
      this.op = op;
      this.step = step;
      this.nanos = nanos;
      this.loop = loop;
    }
  }

  /** A virtual user: its scenario, where it is in it, and its variables (only for flows that use them). */
  static final class Vu {
    final int scenario;
    int pc;
    /** Pause accumulated on the way to the next request. */
    long delay;
    Map<String, JsonNode> vars;
    ArrayDeque<Frame> frames;
    /** Counted in the measured window (vusers.created), so its end is counted too. */
    boolean counted;

    Vu(int scenario) {
      this.scenario = scenario;
    }
  }

  /** A running loop: its elements (or null for a count), the iteration, and the loop variables it hides. */
  static final class Frame {
    final int n;
    final List<JsonNode> elements;
    int i;
    final JsonNode savedElement;
    final JsonNode savedCount;

    Frame(int n, List<JsonNode> elements, JsonNode savedElement, JsonNode savedCount) {
      this.n = n;
      this.elements = elements;
      this.savedElement = savedElement;
      this.savedCount = savedCount;
    }
  }

  final Ins[][] programs;
  /** Per scenario: whether its virtual users need variables (templates, captures, loops, payload). */
  final boolean[] stateful;
  final EndpointStats[] endpoints;
  /** Scenario indices in smooth weighted round-robin order; a loop walks it cyclically. */
  final int[] wheel;
  final URI target;
  final VuData data;
  final LongAdder vusersCreated = new LongAdder();
  final LongAdder vusersCompleted = new LongAdder();
  final LongAdder vusersFailed = new LongAdder();

  CompiledPlan(URI target, List<Scenario> scenarioList) {
    this(target, scenarioList, VuData.NONE);
  }

  CompiledPlan(URI target, List<Scenario> scenarioList, VuData data) {
    this.target = target;
    this.data = data == null ? VuData.NONE : data;
    Map<String, Integer> ids = new LinkedHashMap<>();
    programs = new Ins[scenarioList.size()][];
    stateful = new boolean[scenarioList.size()];
    for (int s = 0; s < scenarioList.size(); s++) {
      List<Ins> prog = new ArrayList<>();
      boolean[] state = {!this.data.isEmpty()};
      compile(scenarioList.get(s).flow(), prog, ids, target, state);
      programs[s] = prog.toArray(Ins[]::new);
      stateful[s] = state[0];
    }
    endpoints = ids.keySet().stream().map(EndpointStats::new).toArray(EndpointStats[]::new);
    wheel = wheel(scenarioList);
  }

  private static void compile(List<FlowStep> flow, List<Ins> prog, Map<String, Integer> ids, URI target,
      boolean[] state) {
    for (FlowStep f : flow) {
      if (f instanceof RequestSpec r) {
        int id = ids.computeIfAbsent(r.name(), n -> ids.size());
        boolean dyn = r.dynamic();
        state[0] |= dyn || !r.captures().isEmpty() || !r.checks().isEmpty();
        prog.add(new Ins(REQUEST, new Step(dyn ? null : bytes(target, r), r, id), 0, null));
        if (!r.think().isZero()) {
          prog.add(new Ins(THINK, null, r.think().toNanos(), null));
        }
      } else if (f instanceof FlowStep.Think t) {
        prog.add(new Ins(THINK, null, t.duration().toNanos(), null));
      } else if (f instanceof FlowStep.Loop l) {
        state[0] = true;
        int begin = prog.size();
        Ins start = new Ins(LOOP, null, 0, l);
        prog.add(start);
        compile(l.body(), prog, ids, target, state);
        Ins end = new Ins(END_LOOP, null, 0, l);
        end.jump = begin;
        start.jump = prog.size();
        prog.add(end);
      }
    }
  }

  /** A new virtual user of {@code scenario}, with its payload row and variables bound. */
  Vu newVu(int scenario, SplittableRandom random) {
    Vu vu = new Vu(scenario);
    if (stateful[scenario]) {
      vu.vars = new HashMap<>();
      data.bind(vu.vars, random);
    }
    return vu;
  }

  /**
   * Runs {@code vu}'s program from where it stands to its next request (which it then stands on), adding pauses on
   * the way to {@link Vu#delay}; null when the flow is over.
   */
  Step next(Vu vu) {
    Ins[] prog = programs[vu.scenario];
    while (vu.pc < prog.length) {
      Ins in = prog[vu.pc];
      switch (in.op) {
        case REQUEST -> {
          return in.step;
        }
        case THINK -> {
          vu.delay += in.nanos;
          vu.pc++;
        }
        case LOOP -> {
          FlowStep.Loop l = in.loop;
          List<JsonNode> elements = null;
          int n;
          if (l.overValues() != null) {
            elements = l.overValues();
            n = elements.size();
          } else if (l.overVariable() != null) {
            JsonNode v = Template.lookup(vu.vars, l.overVariable());
            elements = new ArrayList<>();
            if (v != null && v.isArray()) {
              v.forEach(elements::add);
            }
            n = elements.size();
          } else {
            n = l.count();
          }
          if (n <= 0) {
            vu.pc = in.jump + 1;
            continue;
          }
          if (vu.frames == null) {
            vu.frames = new ArrayDeque<>();
          }
          Frame f = new Frame(n, elements, vu.vars.get("$loopElement"), vu.vars.get("$loopCount"));
          vu.frames.push(f);
          setLoopVars(vu, f);
          vu.pc++;
        }
        case END_LOOP -> {
          Frame f = vu.frames.peek();
          f.i++;
          if (f.i < f.n) {
            setLoopVars(vu, f);
            vu.pc = in.jump + 1;
          } else {
            vu.frames.pop();
            restore(vu.vars, "$loopElement", f.savedElement);
            restore(vu.vars, "$loopCount", f.savedCount);
            vu.pc++;
          }
        }
        default -> throw new IllegalStateException("op " + in.op);
      }
    }
    return null;
  }

  private static void setLoopVars(Vu vu, Frame f) {
    vu.vars.put("$loopCount", IntNode.valueOf(f.i));
    vu.vars.put("$loopElement", f.elements == null ? IntNode.valueOf(f.i) : f.elements.get(f.i));
  }

  private static void restore(Map<String, JsonNode> vars, String k, JsonNode v) {
    if (v == null) {
      vars.remove(k);
    } else {
      vars.put(k, v);
    }
  }

  /**
   * The bytes of {@code step} for {@code vu}: fixed ones as they are, templated ones rendered from its variables.
   *
   * @throws IllegalArgumentException when a rendered URL points away from the target
   */
  byte[] render(Step step, Vu vu, SplittableRandom random) {
    if (step.request != null) {
      return step.request;
    }
    RequestSpec r = step.spec;
    Map<String, JsonNode> vars = vu.vars == null ? Map.of() : vu.vars;
    String path = Template.has(r.path()) ? Template.parse(r.path()).render(vars, random) : r.path();
    if (path.startsWith("http://") || path.startsWith("https://")) {
      URI u = URI.create(path);
      if (!path.startsWith("http://") || !target.getHost().equals(u.getHost())
          || ScenarioFile.port(u) != ScenarioFile.port(target)) {
        throw new IllegalArgumentException("URL " + path + " is not on the target " + target
            + "; requests only ever go to the target");
      }
      String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      path = u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
    } else if (!path.startsWith("/")) {
      path = "/" + path;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    r.headers().forEach((k, v) -> headers.put(k, Template.has(v) ? Template.parse(v).render(vars, random) : v));
    byte[] body = r.body();
    if (r.jsonTemplate() != null) {
      try {
        body = JSON.writeValueAsBytes(Template.renderTree(r.jsonTemplate(), vars, random));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot encode the JSON body: " + e.getOriginalMessage(), e);
      }
    }
    return bytes(target, new RequestSpec(r.name(), r.method(), path, headers, body, r.expect(), null));
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
