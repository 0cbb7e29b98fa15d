package dev.slipway.ecssim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful ECS + STS + ELBv2 endpoint on 127.0.0.1. ECS is served as awsJson1_1 (POST /, operation in
 * {@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>}); STS and ELBv2 as awsQuery (form-encoded
 * {@code Action=...}, XML replies). Every call is recorded ({@link #calls()}, also {@code GET /_sim/calls}) so a test
 * can prove that nothing mutating happened. The scenario's faults (throttling, 5xx) are answered before dispatch.
 */
public final class EcsSimulator implements AutoCloseable {
  private static final String ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");

  private final Scenario scenario;
  private final SimClock clock;
  private final EcsModel model;
  private final EcsApi ecs;
  private final QueryApi query;
  private final CloudWatchModel cloudWatch;
  private final CloudWatchApi cloudWatchApi;
  private final List<CallRecord> calls = new CopyOnWriteArrayList<>();
  private final Map<Scenario.Fault, int[]> faultCounters = new LinkedHashMap<>();
  private final Map<String, Integer> operationCounts = new LinkedHashMap<>();
  private final Object lock = new Object();
  private final java.util.Set<String> denied = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<String, List<java.util.function.Consumer<CallRecord>>> hooks =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final ContainerTasks containers;
  private final Map<String, LoadBalancerFront> fronts = new LinkedHashMap<>();
  private HttpServer server;
  private ExecutorService executor;
  private java.util.concurrent.ScheduledExecutorService ticker;

  /** Scripted tasks: they start, crash or get stuck as the scenario's rollouts say. */
  public EcsSimulator(Scenario scenario, SimClock clock) {
    this(scenario, clock, null);
  }

  /**
   * Container mode when {@code containers} is given: every task is a real container of its task definition's image
   * (the scenario's first tasks too, so its task definitions must name images that can be pulled), its state follows
   * the container, its target health comes from real HTTP checks, and each target group gets a loopback load
   * balancer ({@link #loadBalancerUrl(String)}). The scenario's rollouts are not consulted: what the containers do
   * decides. The simulator closes {@code containers} (and removes the containers) when it closes.
   */
  public EcsSimulator(Scenario scenario, SimClock clock, ContainerTasks containers) {
    this.scenario = scenario;
    this.clock = clock;
    this.containers = containers;
    this.cloudWatch = new CloudWatchModel(scenario, clock);
    this.cloudWatchApi = new CloudWatchApi(cloudWatch);
    this.model = new EcsModel(scenario, clock, cloudWatch, containers);
    this.ecs = new EcsApi(model);
    this.query = new QueryApi(scenario, model, clock, this::isDenied);
    for (Scenario.Fault f : scenario.faults) {
      faultCounters.put(f, new int[] {0});
    }
    denied.addAll(scenario.denied);
  }

  /**
   * From now on calls of the IAM action {@code action} (e.g. {@code ecs:DescribeServiceDeployments}) answer
   * AccessDenied, as when a policy is tightened during a deployment.
   */
  public void deny(String action) {
    denied.add(action);
  }

  public void allow(String action) {
    denied.remove(action);
  }

  /** The IAM actions currently denied. */
  public java.util.Set<String> deniedActions() {
    return java.util.Set.copyOf(denied);
  }

  /**
   * Runs {@code hook} after every answered call of {@code operation}, before the caller gets the answer: lets a test
   * change the world at an exact point of a client's conversation (another deployment starting, a disk filling up).
   */
  public void onCall(String operation, java.util.function.Consumer<CallRecord> hook) {
    hooks.computeIfAbsent(operation, k -> new CopyOnWriteArrayList<>()).add(hook);
  }

  private void runHooks(CallRecord call) {
    for (var hook : hooks.getOrDefault(call.operation(), List.of())) {
      hook.accept(call);
    }
  }

  private void checkAllowed(String action) {
    if (denied.contains(action)) {
      boolean query = action.startsWith("sts:") || action.startsWith("iam:")
          || action.startsWith("elasticloadbalancing:");
      throw new AwsError(query ? 403 : 400, query ? "AccessDenied" : "AccessDeniedException",
          "User: " + scenario.callerArn + " is not authorized to perform: " + action
              + " because no identity-based policy allows the " + action + " action");
    }
  }

  /** Starts listening on 127.0.0.1:{@code port} (0 picks a free port). */
  public EcsSimulator start(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "ecs-simulator");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    if (containers != null) {
      containers.startWatching();
      for (Scenario.TargetGroup tg : scenario.targetGroups) {
        if (tg.arn != null) {
          fronts.put(tg.arn, new LoadBalancerFront(tg.arn, () -> inspect(m -> m.targets(tg.arn, tg).stream()
              .filter(t -> "healthy".equals(t.state())).toList())));
        }
      }
      // the world moves on while nobody calls: containers start, crash and get replaced
      ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ecs-simulator-scheduler");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleWithFixedDelay(() -> {
        try {
          inspect(m -> null);
        } catch (RuntimeException e) {
          e.printStackTrace(System.out);
        }
      }, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Whether tasks are real containers. */
  public boolean containerMode() {
    return containers != null;
  }

  /**
   * Container mode: the loopback "load balancer" of target group {@code targetGroupArn}, which sends each request
   * to the next task whose health checks pass (503 while none does). Null when the scenario has no such target group.
   */
  public URI loadBalancerUrl(String targetGroupArn) {
    requireContainerMode();
    LoadBalancerFront front = fronts.get(targetGroupArn);
    return front == null ? null : front.url();
  }

  /** Container mode: the load balancer URL of the (first) target group the service is registered in. */
  public URI loadBalancerUrl(String cluster, String service) {
    String tg = inspect(m -> m.requireService(m.requireCluster(cluster), service).spec.loadBalancers.stream()
        .map(lb -> lb.path("targetGroupArn").asText("")).filter(a -> !a.isEmpty()).findFirst().orElse(null));
    if (tg == null) {
      throw new IllegalArgumentException("service " + service + " of cluster " + cluster + " has no target group");
    }
    return loadBalancerUrl(tg);
  }

  /** Container mode: what the container of task {@code taskArn} (or its id) printed, so far or until it stopped. */
  public String taskOutput(String taskArn) throws IOException, InterruptedException {
    requireContainerMode();
    return containers.output(taskArn.substring(taskArn.lastIndexOf('/') + 1));
  }

  /** Container mode: the directory with one {@code <task id>.log} per container that stopped. */
  public java.nio.file.Path taskLogDirectory() {
    requireContainerMode();
    return containers.logDirectory();
  }

  private void requireContainerMode() {
    if (containers == null) {
      throw new IllegalStateException("the simulator runs scripted tasks; give it ContainerTasks for container mode");
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public SimClock clock() {
    return clock;
  }

  public List<CallRecord> calls() {
    return List.copyOf(calls);
  }

  public List<CallRecord> mutatingCalls() {
    return calls.stream().filter(CallRecord::mutating).toList();
  }

  /** Calls of {@code operation} in the order they arrived. */
  public List<CallRecord> calls(String operation) {
    return calls.stream().filter(c -> c.operation().equals(operation)).toList();
  }

  /** Runs {@code action} on the simulated world under the simulator's lock, after playing what is due. */
  public <T> T inspect(java.util.function.Function<EcsModel, T> action) {
    synchronized (lock) {
      model.advance();
      return action.apply(model);
    }
  }

  /** The DescribeServices view of one service, as the API would answer it now. */
  public JsonNode service(String cluster, String service) {
    return inspect(m -> m.serviceView(m.requireService(m.requireCluster(cluster), service)));
  }

  /** The DescribeTasks view of one task (by ARN or id), as the API would answer it now; null when there is none. */
  public JsonNode task(String taskArn) {
    return inspect(m -> {
      EcsModel.Task t = m.findTask(taskArn);
      return t == null ? null : m.taskView(t);
    });
  }

  /** The DescribeTasks views of a service's tasks, running (and pending) or stopped, as ListTasks would list them. */
  public List<JsonNode> tasks(String cluster, String service, boolean stopped) {
    return inspect(m -> m.tasksOf(m.requireService(m.requireCluster(cluster), service), stopped).stream()
        .map(t -> (JsonNode) m.taskView(t)).toList());
  }

  /** The simulator-clock time (epoch millis) a service event whose message contains {@code text} was emitted. */
  public Long eventTime(String cluster, String service, String text) {
    return inspect(m -> {
      EcsModel.Service s = m.requireService(m.requireCluster(cluster), service);
      for (ObjectNode e : s.events) {
        if (e.path("message").asText().contains(text)) {
          return (long) Math.round(e.path("createdAt").asDouble() * 1000);
        }
      }
      return null;
    });
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String path = ex.getRequestURI().getPath();
      if (path.startsWith("/_sim/")) {
        admin(ex, path);
        return;
      }
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String akid = null;
      if (auth != null) {
        Matcher m = CREDENTIAL.matcher(auth);
        akid = m.find() ? m.group(1) : null;
      }
      if (path.startsWith(CloudWatchApi.CBOR_PATH)) {
        cloudWatch(ex, path.substring(CloudWatchApi.CBOR_PATH.length()), body, true, akid);
        return;
      }
      if (target != null && target.startsWith(CloudWatchApi.JSON_TARGET)) {
        cloudWatch(ex, target.substring(CloudWatchApi.JSON_TARGET.length()), body, false, akid);
        return;
      }
      String text = new String(body, StandardCharsets.UTF_8);
      if (target != null && target.startsWith(ECS_TARGET_PREFIX)) {
        String op = target.substring(ECS_TARGET_PREFIX.length());
        int status;
        byte[] reply;
        String errorType = null;
        CallRecord call;
        synchronized (lock) {
          try {
            injectFault(op);
            checkAllowed("ecs:" + op);
            JsonNode req = text.isBlank() ? EcsModel.JSON.createObjectNode() : EcsModel.JSON.readTree(text);
            reply = EcsModel.JSON.writeValueAsBytes(ecs.handle(op, req));
            status = 200;
          } catch (AwsError e) {
            status = e.status();
            errorType = e.code();
            ObjectNode err = EcsModel.JSON.createObjectNode().put("__type", e.code()).put("message", e.getMessage());
            reply = EcsModel.JSON.writeValueAsBytes(err);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            status = 400;
            errorType = "SerializationException";
            reply = ("{\"__type\":\"SerializationException\",\"message\":\"malformed JSON\"}").getBytes(StandardCharsets.UTF_8);
          }
          call = new CallRecord(clock.nowMillis(), "ecs", op, CallRecord.isMutating(op), status, akid, text);
          calls.add(call);
        }
        runHooks(call);
        if (errorType != null) {
          ex.getResponseHeaders().add("x-amzn-ErrorType", errorType);
        }
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        send(ex, status, reply);
        return;
      }
      Map<String, String> params = form(text);
      String action = params.get("Action");
      if (action == null) {
        send(ex, 400, "unknown protocol: neither X-Amz-Target nor Action".getBytes(StandardCharsets.UTF_8));
        return;
      }
      int status;
      String xml;
      CallRecord call;
      synchronized (lock) {
        try {
          injectFault(action);
          checkAllowed(QueryApi.serviceOf(action) + ":" + action);
          xml = query.handle(action, params, akid);
          status = 200;
        } catch (AwsError e) {
          status = e.status();
          xml = QueryApi.error(e, action);
        }
        call = new CallRecord(clock.nowMillis(), QueryApi.serviceOf(action), action, CallRecord.isMutating(action),
            status, akid, redactQuery(text));
        calls.add(call);
      }
      runHooks(call);
      ex.getResponseHeaders().add("Content-Type", "text/xml");
      ex.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
      send(ex, status, xml.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      e.printStackTrace();
      throw e;
    }
  }

  /** CloudWatch in Smithy RPC v2 CBOR ({@code cbor}) or awsJson1_0; the call record holds the request as JSON. */
  private void cloudWatch(HttpExchange ex, String op, byte[] body, boolean cbor, String akid) throws IOException {
    int status;
    JsonNode reply;
    JsonNode req = EcsModel.JSON.createObjectNode();
    CallRecord call;
    synchronized (lock) {
      try {
        injectFault(op);
        checkAllowed("cloudwatch:" + op);
        req = cbor ? CloudWatchApi.readCbor(body)
            : body.length == 0 ? EcsModel.JSON.createObjectNode() : EcsModel.JSON.readTree(body);
        model.advance();
        reply = cloudWatchApi.handle(op, req);
        status = 200;
      } catch (AwsError e) {
        status = e.status();
        reply = CloudWatchApi.error(e);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        status = 400;
        reply = CloudWatchApi.error(new AwsError(400, "SerializationException", "malformed JSON"));
      }
      call = new CallRecord(clock.nowMillis(), "monitoring", op, false, status, akid, req.toString());
      calls.add(call);
    }
    runHooks(call);
    ex.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    if (cbor) {
      ex.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
      ex.getResponseHeaders().add("Content-Type", "application/cbor");
      send(ex, status, CloudWatchApi.writeCbor(reply));
    } else {
      if (status != 200) {
        ex.getResponseHeaders().add("x-amzn-query-error", reply.path("__type").asText() + ";Sender");
      }
      ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      send(ex, status, EcsModel.JSON.writeValueAsBytes(reply));
    }
  }

  private static String redactQuery(String text) {
    return text.replaceAll("(?i)(SerialNumber|TokenCode)=[^&]*", "$1=****");
  }

  private boolean isDenied(String action) {
    return denied.contains(action);
  }

  private void injectFault(String operation) {
    int seen = operationCounts.merge(operation, 1, Integer::sum);
    for (Map.Entry<Scenario.Fault, int[]> e : faultCounters.entrySet()) {
      Scenario.Fault f = e.getKey();
      if (!"*".equals(f.operation) && !f.operation.equals(operation)) {
        continue;
      }
      int[] fired = e.getValue();
      if (seen > f.skip && fired[0] < f.count) {
        fired[0]++;
        throw switch (f.error) {
          case "ThrottlingException", "Throttling" -> new AwsError(400, f.error, "Rate exceeded");
          case "ServerException", "InternalFailure" -> new AwsError(500, f.error, "Service encountered an error");
          case "ServiceUnavailableException", "ServiceUnavailable" -> new AwsError(503, f.error, "Service unavailable");
          default -> new AwsError(400, f.error, "injected " + f.error);
        };
      }
    }
  }

  private void admin(HttpExchange ex, String path) throws IOException {
    byte[] out;
    switch (path) {
      case "/_sim/calls" -> {
        ArrayNode a = EcsModel.JSON.createArrayNode();
        for (CallRecord c : calls) {
          a.addObject().put("atMillis", c.atMillis()).put("service", c.service()).put("operation", c.operation())
              .put("mutating", c.mutating()).put("status", c.status());
        }
        out = EcsModel.JSON.writeValueAsBytes(a);
      }
      case "/_sim/clock" -> out = ("{\"nowMillis\":" + clock.nowMillis() + "}").getBytes(StandardCharsets.UTF_8);
      case "/_sim/advance" -> {
        if (!(clock instanceof SimClock.Virtual v)) {
          send(ex, 409, "the clock is not virtual".getBytes(StandardCharsets.UTF_8));
          return;
        }
        String q = ex.getRequestURI().getQuery();
        long seconds = q != null && q.startsWith("seconds=") ? Long.parseLong(q.substring(8)) : 1;
        v.advance(Duration.ofSeconds(seconds));
        out = ("{\"nowMillis\":" + clock.nowMillis() + "}").getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        send(ex, 404, "no such admin path".getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    ex.getResponseHeaders().add("Content-Type", "application/json");
    send(ex, 200, out);
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(body);
    }
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
    fronts.values().forEach(LoadBalancerFront::close);
    fronts.clear();
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
    if (containers != null) {
      containers.close();
    }
  }

  /** Names of operations in {@code calls}, for readable assertion messages. */
  public static List<String> operations(List<CallRecord> calls) {
    List<String> out = new ArrayList<>();
    calls.forEach(c -> out.add(c.operation()));
    return out;
  }
}
