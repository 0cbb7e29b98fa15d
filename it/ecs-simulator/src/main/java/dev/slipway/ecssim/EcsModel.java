package dev.slipway.ecssim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ECS as a state machine: clusters, services, task definitions, deployments (the DescribeServices view and the
 * service-deployment view of the same thing) and tasks. Time passes only through {@link #advance}, which replays
 * every timeline step due up to the clock's present, so the outcome depends on the clock, never on how often it is
 * polled. All methods are called under the simulator's lock.
 */
final class EcsModel {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> READ_ONLY_TASK_DEF_FIELDS =
      Set.of(
          "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt",
          "registeredBy", "deregisteredAt");

  private final Scenario scenario;
  private final SimClock clock;
  private final String prefix;
  private final AtomicLong ids = new AtomicLong(7_000_000_000_000_000_000L);
  private final Map<String, ObjectNode> taskDefs = new LinkedHashMap<>(); // arn -> description
  private final Map<String, ArrayNode> taskDefTags = new LinkedHashMap<>();
  private final Map<String, Integer> latestRevision = new LinkedHashMap<>();
  private final Set<String> scenarioRevisions = new HashSet<>();
  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final Deque<Scenario.Rollout> rollouts;
  private final CloudWatchModel cloudWatch;
  /** Tasks as real containers, or null: tasks follow the scenario's scripted rollouts. */
  private final ContainerTasks containers;

  final class Cluster {
    final String name;
    final String arn;
    final Map<String, Service> services = new LinkedHashMap<>();

    Cluster(String name) {
      this.name = name;
      this.arn = prefix + "cluster/" + name;
    }
  }

  final class Service {
    final Cluster cluster;
    final String name;
    final String arn;
    final Scenario.Service spec;
    String status;
    int desiredCount;
    String taskDefinition;
    ObjectNode deploymentConfiguration;
    final List<Deployment> deployments = new ArrayList<>(); // PRIMARY first
    final List<Deployment> history = new ArrayList<>(); // every deployment ever, oldest first
    final Deque<ObjectNode> events = new ArrayDeque<>();
    final List<Task> stoppedTasks = new ArrayList<>();
    final long createdAt;

    Service(Cluster cluster, Scenario.Service spec) {
      this.cluster = cluster;
      this.spec = spec;
      this.name = spec.name;
      this.arn = prefix + "service/" + cluster.name + "/" + spec.name;
      this.status = spec.status;
      this.desiredCount = spec.desiredCount;
      this.createdAt = clock.nowMillis();
      ObjectNode dc = JSON.createObjectNode();
      dc.putObject("deploymentCircuitBreaker")
          .put("enable", spec.circuitBreaker.enable)
          .put("rollback", spec.circuitBreaker.rollback);
      dc.put("maximumPercent", spec.maximumPercent);
      dc.put("minimumHealthyPercent", spec.minimumHealthyPercent);
      dc.put("strategy", spec.strategy);
      this.deploymentConfiguration = dc;
    }

    void event(long at, String message) {
      ObjectNode e = JSON.createObjectNode();
      e.put("id", java.util.UUID.nameUUIDFromBytes((arn + at + message + events.size()).getBytes()).toString());
      e.put("createdAt", at / 1000.0);
      e.put("message", "(service " + name + ") " + message);
      events.addFirst(e);
      while (events.size() > 100) {
        events.removeLast();
      }
    }

    Deployment primary() {
      return deployments.isEmpty() ? null : deployments.get(0);
    }
  }

  final class Task {
    final String id;
    final String arn;
    final String taskDefinitionArn;
    final String startedBy;
    final Service service;
    String lastStatus;
    String stoppedReason;
    String stopCode;
    final long createdAt;
    Long startedAt;
    Long stoppedAt;
    final String ip;
    /** Container mode: the task's container; null for scripted tasks. */
    ContainerTasks.Handle container;
    /** Container mode: the container definition it runs (name, image). */
    JsonNode containerDefinition;
    /** Container mode: when (System.nanoTime) the container was first seen running. */
    long runningSinceNanos;

    Task(Service s, String taskDefinitionArn, String startedBy, long at) {
      this.id = Long.toHexString(ids.incrementAndGet());
      this.arn = prefix + "task/" + s.cluster.name + "/" + id;
      this.taskDefinitionArn = taskDefinitionArn;
      this.startedBy = startedBy;
      this.service = s;
      this.createdAt = at;
      this.ip = "10.0." + (ids.get() % 200) + "." + (ids.get() % 250 + 2);
    }

    boolean stopped() {
      return "STOPPED".equals(lastStatus);
    }

    /**
     * Counts as a healthy, running task of its deployment: RUNNING, and in container mode also passing its target
     * group's health checks (or, with no target group, running for {@link #STEADY_WITHOUT_HEALTH_CHECK}).
     */
    boolean healthy() {
      if (!"RUNNING".equals(lastStatus)) {
        return false;
      }
      if (container == null) {
        return true;
      }
      return container.healthPath != null ? Boolean.TRUE.equals(container.healthy)
          : System.nanoTime() - runningSinceNanos >= STEADY_WITHOUT_HEALTH_CHECK.toNanos();
    }
  }

  /** Container mode, a service without a target group: how long a container must run to count as started well. */
  static final java.time.Duration STEADY_WITHOUT_HEALTH_CHECK = java.time.Duration.ofSeconds(3);
  /** Container mode: how long a running task may stay without a passing health check before ECS stops it. */
  static final java.time.Duration HEALTH_CHECK_GRACE = java.time.Duration.ofMinutes(2);
  /** Container mode: after a task of a deployment failed, ECS waits this long (real time) before launching another. */
  static final java.time.Duration RELAUNCH_DELAY = java.time.Duration.ofSeconds(1);

  final class Deployment {
    final String id;
    final String serviceDeploymentArn;
    final String serviceRevisionArn;
    final String taskDefinition;
    final Scenario.Rollout plan;
    final boolean rollbackDeployment;
    final List<String> sourceRevisionArns;
    final long createdAt;
    String status = "PRIMARY";
    String rolloutState = "IN_PROGRESS";
    String rolloutStateReason = "ECS deployment " + "started.";
    String sdStatus = "IN_PROGRESS";
    String sdStatusReason;
    int desiredCount;
    int failedTasks;
    long updatedAt;
    long nextTickAt;
    /** ECS-native strategies bake the new revision before finishing; set once all its tasks run. */
    Long bakeUntil;
    Long finishedAt;
    ObjectNode rollbackInfo;
    /** The service's deployment configuration when this deployment started (a service deployment reports its own). */
    final ObjectNode configuration;
    /** A newer deployment replaced this one before it finished: it makes no more progress. */
    boolean superseded;
    final List<Task> tasks = new ArrayList<>();
    /** Container mode: no task is launched for this deployment before this System.nanoTime (after a failure). */
    long relaunchAfterNanos;

    Deployment(Service s, String taskDefinition, Scenario.Rollout plan, boolean rollback, long at) {
      long n = ids.incrementAndGet();
      this.id = "ecs-svc/" + n;
      this.serviceDeploymentArn = prefix + "service-deployment/" + s.cluster.name + "/" + s.name + "/"
          + Long.toString(n, 36).toUpperCase(java.util.Locale.ROOT);
      this.serviceRevisionArn = prefix + "service-revision/" + s.cluster.name + "/" + s.name + "/" + n;
      this.taskDefinition = taskDefinition;
      this.plan = plan;
      this.rollbackDeployment = rollback;
      this.sourceRevisionArns = new ArrayList<>();
      for (Deployment d : s.deployments) {
        sourceRevisionArns.add(d.serviceRevisionArn);
      }
      this.createdAt = at;
      this.updatedAt = at;
      this.desiredCount = s.desiredCount;
      this.nextTickAt = at + plan.taskStartSeconds * 1000L;
      this.configuration = s.deploymentConfiguration.deepCopy();
    }

    int running() {
      return (int) tasks.stream().filter(t -> "RUNNING".equals(t.lastStatus)).count();
    }

    boolean inProgress() {
      return "IN_PROGRESS".equals(rolloutState) && !superseded;
    }
  }

  EcsModel(Scenario scenario, SimClock clock, CloudWatchModel cloudWatch) {
    this(scenario, clock, cloudWatch, null);
  }

  /** With {@code containers}, every task the model starts is a real container and its state follows it. */
  EcsModel(Scenario scenario, SimClock clock, CloudWatchModel cloudWatch, ContainerTasks containers) {
    this.scenario = scenario;
    this.clock = clock;
    this.cloudWatch = cloudWatch;
    this.containers = containers;
    this.prefix = "arn:aws:ecs:" + scenario.region + ":" + scenario.account + ":";
    this.rollouts = new ArrayDeque<>(scenario.rollouts);
    for (ObjectNode td : scenario.taskDefinitions) {
      ObjectNode registered = register(td.deepCopy(), "scenario");
      scenarioRevisions.add(registered.get("taskDefinitionArn").asText());
      List<Map<String, String>> tags = scenario.taskDefinitionTags.get(td.path("family").asText());
      if (tags != null) {
        taskDefTags.put(registered.get("taskDefinitionArn").asText(), JSON.valueToTree(tags));
      }
    }
    long now = clock.nowMillis();
    for (Scenario.Cluster c : scenario.clusters) {
      Cluster cluster = new Cluster(c.name);
      clusters.put(c.name, cluster);
      for (Scenario.Service spec : c.services) {
        Service s = new Service(cluster, spec);
        cluster.services.put(spec.name, s);
        if (spec.loadBalancers == null) {
          spec.loadBalancers = new ArrayList<>();
        }
        String td = resolveTaskDefinition(spec.taskDefinition).get("taskDefinitionArn").asText();
        s.taskDefinition = td;
        Scenario.Rollout instant = new Scenario.Rollout();
        Deployment d = new Deployment(s, td, instant, false, now - 3_600_000L);
        for (int i = 0; i < s.desiredCount; i++) {
          startTask(s, d, d.createdAt);
        }
        d.rolloutState = "COMPLETED";
        d.rolloutStateReason = "ECS deployment " + d.id + " completed.";
        d.sdStatus = "SUCCESSFUL";
        d.finishedAt = d.createdAt;
        s.deployments.add(d);
        s.history.add(d);
        s.event(now - 60_000L, "has reached a steady state.");
      }
    }
  }

  // ------------------------------------------------------------------ time

  /** Plays every timeline step that is due at the clock's present (in container mode: what the containers did). */
  void advance() {
    long now = clock.nowMillis();
    for (Cluster c : clusters.values()) {
      for (Service s : c.services.values()) {
        if (containers != null) {
          reconcile(s, now);
          continue;
        }
        boolean progressed = true;
        while (progressed) {
          progressed = false;
          for (Deployment d : List.copyOf(s.deployments)) {
            if (d.inProgress() && d.nextTickAt <= now && s.deployments.contains(d)) {
              long at = d.nextTickAt;
              d.nextTickAt += Math.max(1, d.plan.taskStartSeconds) * 1000L;
              step(s, d, at);
              progressed = true;
            }
          }
        }
      }
    }
  }

  /** ECS deployment alarms: an alarm in ALARM while the deployment runs fails it. True when it did. */
  private boolean failedByAlarm(Service s, Deployment d, long at) {
    JsonNode alarms = d.configuration.path("alarms");
    if (alarms.path("enable").asBoolean(false) && !d.rollbackDeployment) {
      for (JsonNode name : alarms.path("alarmNames")) {
        if (cloudWatch.inAlarm(name.asText(), at)) {
          fail(s, d, at, "ECS deployment alarm " + name.asText() + " is in ALARM.", "alarm " + name.asText()
              + " detected", "CloudWatch alarm " + name.asText(), alarms.path("rollback").asBoolean(false));
          return true;
        }
      }
    }
    return false;
  }

  /** The circuit breaker trips when enough tasks of {@code d} failed (ECS's rule, or the rollout's threshold). */
  private boolean failedByCircuitBreaker(Service s, Deployment d, long at) {
    JsonNode cb = d.configuration.path("deploymentCircuitBreaker");
    if (cb.path("enable").asBoolean(false) && d.failedTasks >= threshold(d)) {
      fail(s, d, at, "ECS deployment circuit breaker: tasks failed to start.", "tasks failed to start",
          "circuit breaker", cb.path("rollback").asBoolean(false));
      return true;
    }
    return false;
  }

  private static int threshold(Deployment d) {
    return d.plan.failureThreshold > 0 ? d.plan.failureThreshold : Math.max(3, (d.desiredCount + 1) / 2);
  }

  private void step(Service s, Deployment d, long at) {
    d.updatedAt = at;
    if (failedByAlarm(s, d, at)) {
      return;
    }
    switch (d.plan.outcome) {
      case SUCCESS -> {
        if (d.bakeUntil != null) {
          if (at >= d.bakeUntil) {
            complete(s, d, at);
          }
          return;
        }
        Task t = startTask(s, d, at);
        s.event(at, "has started 1 tasks: (task " + t.arn.substring(t.arn.lastIndexOf('/') + 1) + ").");
        if (d.running() >= d.desiredCount) {
          int bake = d.configuration.path("bakeTimeInMinutes").asInt(0);
          boolean nativeStrategy = !"ROLLING".equals(d.configuration.path("strategy").asText("ROLLING"));
          if (nativeStrategy && bake > 0 && !d.rollbackDeployment) {
            // traffic is on the new revision; ECS keeps the old one until the bake time has passed
            d.bakeUntil = at + bake * 60_000L;
            d.nextTickAt = d.bakeUntil;
            s.event(at, "deployment " + d.id + " is baking for " + bake + " minutes.");
          } else {
            complete(s, d, at);
          }
        }
      }
      case CRASH -> {
        Task t = failTask(s, d, at, "Essential container in task exited");
        s.event(at, "has stopped 1 running tasks: (task " + t.arn.substring(t.arn.lastIndexOf('/') + 1)
            + "). Reason: Essential container in task exited");
        failedByCircuitBreaker(s, d, at);
      }
      case STUCK -> s.event(at, "was unable to place a task because no container instance met all of its requirements.");
    }
  }

  // ------------------------------------------------------------------ container mode

  /**
   * Container mode's counterpart of the scripted timeline: applies what each container did to its task, then lets
   * ECS decide about the PRIMARY deployment (alarms, circuit breaker, completion) and keeps it at its desired count.
   * Times are real: the containers run in real time, whatever the simulator's clock says.
   */
  private void reconcile(Service s, long now) {
    for (Deployment d : List.copyOf(s.deployments)) {
      for (Task t : List.copyOf(d.tasks)) {
        if (t.container != null && !t.stopped()) {
          observe(s, d, t, now);
        }
      }
    }
    Deployment d = s.primary();
    if (d == null) {
      return;
    }
    if (d.inProgress()) {
      d.updatedAt = now;
      if (failedByAlarm(s, d, now) || failedByCircuitBreaker(s, d, now)) {
        d = s.primary(); // ECS's rollback, if it started one
      } else if (d.tasks.stream().filter(Task::healthy).count() >= d.desiredCount) {
        complete(s, d, now);
      }
    }
    if (d != null && !"FAILED".equals(d.rolloutState) && !d.superseded) {
      keepDesiredCount(s, d, now);
    }
  }

  /** The service scheduler: launches tasks until {@code d} has its desired count, or stops the surplus. */
  private void keepDesiredCount(Service s, Deployment d, long now) {
    List<Task> live = d.tasks.stream().filter(t -> !t.stopped()).toList();
    if (live.size() < d.desiredCount && System.nanoTime() >= d.relaunchAfterNanos) {
      List<String> started = new ArrayList<>();
      for (int i = live.size(); i < d.desiredCount; i++) {
        started.add(startTask(s, d, now).id);
      }
      s.event(now, "has started " + started.size() + " tasks: " + String.join(" ", started.stream()
          .map(id -> "(task " + id + ")").toList()) + ".");
    } else if (live.size() > d.desiredCount && "COMPLETED".equals(d.rolloutState)) {
      for (Task t : live.subList(d.desiredCount, live.size())) {
        stopTask(s, t, "Scaling activity initiated by (deployment " + d.id + ")");
      }
    }
  }

  /** The container definition a task runs: the one the load balancer names, else the first essential one. */
  private JsonNode taskContainer(Service s, ObjectNode taskDefinition) {
    String wanted = s.spec.loadBalancers.stream().map(lb -> lb.path("containerName").asText(""))
        .filter(n -> !n.isEmpty()).findFirst().orElse(null);
    JsonNode first = null;
    for (JsonNode c : taskDefinition.path("containerDefinitions")) {
      if (wanted != null && wanted.equals(c.path("name").asText())) {
        return c;
      }
      if (first == null && c.path("essential").asBoolean(true)) {
        first = c;
      }
    }
    return first != null ? first : taskDefinition.path("containerDefinitions").get(0);
  }

  /** The health check path of the service's target group; null when it has none. */
  private String healthPath(Service s) {
    for (JsonNode lb : s.spec.loadBalancers) {
      String arn = lb.path("targetGroupArn").asText(null);
      if (arn != null) {
        return scenario.targetGroups.stream().filter(tg -> arn.equals(tg.arn)).map(tg -> tg.healthCheckPath)
            .findFirst().orElse("/");
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ task lifecycle
  // The only places a task changes state: started, observed (container mode), failed (scripted), stopped by ECS.

  /**
   * A task of {@code d} starts at {@code at}: scripted, it is RUNNING at once; in container mode its container is
   * launched and the task is PENDING until the container runs.
   */
  private Task startTask(Service s, Deployment d, long at) {
    Task t = new Task(s, d.taskDefinition, d.id, at);
    d.tasks.add(t);
    if (containers == null) {
      t.lastStatus = "RUNNING";
      t.startedAt = at;
      return t;
    }
    t.lastStatus = "PENDING";
    ObjectNode td = taskDefs.get(d.taskDefinition);
    t.containerDefinition = taskContainer(s, td);
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : t.containerDefinition.path("environment")) {
      env.put(e.path("name").asText(), e.path("value").asText(""));
    }
    t.container = containers.launch(t.id, t.containerDefinition.path("image").asText(), env,
        t.containerDefinition, healthPath(s));
    return t;
  }

  /**
   * Container mode: the task follows its container. Running: RUNNING. Exited (or never started): STOPPED with the
   * exit code and ECS's reason, a failure of its deployment while that rolls out. Failing its target group's health
   * checks (or never passing one within {@link #HEALTH_CHECK_GRACE}): stopped by ECS, a failure too.
   */
  private void observe(Service s, Deployment d, Task t, long at) {
    ContainerTasks.Handle h = t.container;
    switch (h.state) {
      case STARTING -> { }
      case RUNNING -> {
        if ("PENDING".equals(t.lastStatus)) {
          t.lastStatus = "RUNNING";
          t.startedAt = at;
          t.runningSinceNanos = System.nanoTime();
        }
        boolean failing = Boolean.FALSE.equals(h.healthy) || (h.healthPath != null && h.healthy == null
            && System.nanoTime() - t.runningSinceNanos > HEALTH_CHECK_GRACE.toNanos());
        if (failing && !h.stopRequested) {
          String tg = s.spec.loadBalancers.stream().map(lb -> lb.path("targetGroupArn").asText(""))
              .filter(a -> !a.isEmpty()).findFirst().orElse("");
          String reason = "Task failed ELB health checks in (target-group " + tg + ")";
          stopTask(s, t, reason);
          t.stopCode = "ServiceSchedulerInitiated";
          taskFailed(s, d, t, at, reason);
        }
      }
      case EXITED, FAILED -> {
        t.lastStatus = "STOPPED";
        t.stoppedAt = at;
        t.stopCode = h.state == ContainerTasks.State.EXITED ? "EssentialContainerExited" : "TaskFailedToStart";
        t.stoppedReason = h.state == ContainerTasks.State.EXITED ? "Essential container in task exited"
            : "CannotPullContainerError: " + firstLine(h.reason);
        s.stoppedTasks.add(t);
        taskFailed(s, d, t, at, t.stoppedReason);
      }
    }
  }

  /** A task stopped against ECS's will: counted against its deployment while that rolls out; relaunch waits. */
  private void taskFailed(Service s, Deployment d, Task t, long at, String reason) {
    if (d.inProgress()) {
      d.failedTasks++;
    }
    d.relaunchAfterNanos = System.nanoTime() + RELAUNCH_DELAY.toNanos();
    s.event(at, "has stopped 1 running tasks: (task " + t.id + "). Reason: " + reason);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A task of {@code d} is started at {@code at} and exits at once: it counts against the circuit breaker. */
  private Task failTask(Service s, Deployment d, long at, String reason) {
    Task t = new Task(s, d.taskDefinition, d.id, at);
    t.lastStatus = "STOPPED";
    t.stoppedReason = reason;
    s.stoppedTasks.add(t);
    d.failedTasks++;
    return t;
  }

  /** A running task is stopped by ECS (scaled in when another deployment completed); its container is stopped. */
  private void stopTask(Service s, Task t, String reason) {
    t.lastStatus = "STOPPED";
    t.stoppedReason = reason;
    t.stopCode = "ServiceSchedulerInitiated";
    t.stoppedAt = clock.nowMillis();
    s.stoppedTasks.add(t);
    if (t.container != null) {
      containers.stop(t.container);
    }
  }

  /** ECS gives up on {@code d}: FAILED, and either its own rollback or a STOPPED service deployment. */
  private void fail(Service s, Deployment d, long at, String reason, String event, String why, boolean rollback) {
    d.rolloutState = "FAILED";
    d.rolloutStateReason = reason;
    s.event(at, "deployment " + d.id + " deployment failed: " + event + ".");
    if (rollback) {
      Deployment target = lastCompleted(s, d);
      if (target != null) {
        startRollback(s, d, target.taskDefinition, why, at);
      }
    } else {
      d.sdStatus = "STOPPED";
      d.sdStatusReason = reason;
      d.finishedAt = at;
    }
  }

  private void complete(Service s, Deployment d, long at) {
    d.rolloutState = "COMPLETED";
    d.rolloutStateReason = "ECS deployment " + d.id + " completed.";
    d.finishedAt = at;
    for (Deployment other : List.copyOf(s.deployments)) {
      if (other != d) {
        other.status = "INACTIVE";
        for (Task t : other.tasks) {
          if (!t.stopped()) {
            stopTask(s, t, "Scaling activity initiated by (deployment " + d.id + ")");
          }
        }
        s.deployments.remove(other);
        if ("IN_PROGRESS".equals(other.sdStatus)) {
          other.sdStatus = "STOPPED";
          other.sdStatusReason = "superseded by " + d.id;
          other.finishedAt = at;
        }
      }
    }
    if (d.rollbackDeployment) {
      for (Deployment h : s.history) {
        if ("ROLLBACK_IN_PROGRESS".equals(h.sdStatus)) {
          h.sdStatus = "ROLLBACK_SUCCESSFUL";
          h.finishedAt = at;
        }
      }
    }
    d.sdStatus = "SUCCESSFUL";
    s.taskDefinition = d.taskDefinition;
    s.event(at, "has reached a steady state.");
  }

  private Deployment lastCompleted(Service s, Deployment failed) {
    for (int i = s.history.size() - 1; i >= 0; i--) {
      Deployment h = s.history.get(i);
      if (h != failed && "COMPLETED".equals(h.rolloutState)) {
        return h;
      }
    }
    return null;
  }

  /** ECS's own rollback: a new PRIMARY deployment of {@code taskDefinition}; the failed one is marked rolling back. */
  private void startRollback(Service s, Deployment failed, String taskDefinition, String why, long at) {
    failed.sdStatus = "ROLLBACK_IN_PROGRESS";
    failed.sdStatusReason = "Rollback started: " + why;
    failed.rollbackInfo = JSON.createObjectNode();
    failed.rollbackInfo.put("reason", why);
    failed.rollbackInfo.put("startedAt", at / 1000.0);
    Deployment r = new Deployment(s, taskDefinition, scenario.defaultRollout, true, at);
    failed.rollbackInfo.put("serviceRevisionArn", r.serviceRevisionArn);
    for (Deployment d : s.deployments) {
      d.status = "ACTIVE";
    }
    s.deployments.add(0, r);
    s.history.add(r);
    s.taskDefinition = taskDefinition;
    s.event(at, "rolling back to deployment " + r.id + " (" + taskDefinition.substring(taskDefinition.lastIndexOf('/') + 1) + ").");
  }

  // ------------------------------------------------------------------ lookups

  Cluster cluster(String nameOrArn) {
    String name = nameOrArn == null || nameOrArn.isEmpty() ? "default" : nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
    return clusters.get(name);
  }

  Cluster requireCluster(String nameOrArn) {
    Cluster c = cluster(nameOrArn);
    if (c == null) {
      throw AwsError.client("ClusterNotFoundException", "Cluster not found.");
    }
    return c;
  }

  Service requireService(Cluster c, String nameOrArn) {
    if (nameOrArn == null) {
      throw AwsError.client("InvalidParameterException", "service must be specified.");
    }
    Service s = c.services.get(nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1));
    if (s == null || !"ACTIVE".equals(s.status)) {
      throw AwsError.client("ServiceNotActiveException", "Service was not ACTIVE.");
    }
    return s;
  }

  ObjectNode resolveTaskDefinition(String ref) {
    if (ref == null || ref.isBlank()) {
      throw AwsError.client("ClientException", "taskDefinition must be specified.");
    }
    String key = ref.startsWith("arn:") ? ref.substring(ref.indexOf('/') + 1) : ref;
    if (!key.contains(":")) {
      Integer rev = latestRevision.get(key);
      if (rev == null) {
        throw AwsError.client("ClientException", "Unable to describe task definition.");
      }
      key = key + ":" + rev;
    }
    ObjectNode td = taskDefs.get(prefix + "task-definition/" + key);
    if (td == null) {
      throw AwsError.client("ClientException", "Unable to describe task definition.");
    }
    return td;
  }

  boolean isScenarioRevision(String arn) {
    return scenarioRevisions.contains(arn);
  }

  // ------------------------------------------------------------------ operations

  ObjectNode register(ObjectNode request, String registeredBy) {
    for (String field : READ_ONLY_TASK_DEF_FIELDS) {
      if (request.has(field)) {
        throw AwsError.client("ClientException", "Unknown parameter in input: \"" + field + "\", must be one of the "
            + "RegisterTaskDefinition request fields.");
      }
    }
    String family = request.path("family").asText("");
    if (family.isEmpty() || !family.matches("[A-Za-z0-9_-]{1,255}")) {
      throw AwsError.client("ClientException", "Family contains invalid characters or is empty.");
    }
    JsonNode containers = request.path("containerDefinitions");
    if (!containers.isArray() || containers.isEmpty()) {
      throw AwsError.client("ClientException", "Container list cannot be empty.");
    }
    for (JsonNode c : containers) {
      if (c.path("name").asText("").isEmpty() || c.path("image").asText("").isEmpty()) {
        throw AwsError.client("ClientException", "Container.name and Container.image should not be null or empty.");
      }
    }
    int rev = latestRevision.merge(family, 1, Integer::sum);
    ObjectNode td = request.deepCopy();
    td.remove("tags");
    String arn = prefix + "task-definition/" + family + ":" + rev;
    td.put("taskDefinitionArn", arn);
    td.put("revision", rev);
    td.put("status", "ACTIVE");
    td.putArray("requiresAttributes").addObject().put("name", "com.amazonaws.ecs.capability.docker-remote-api.1.18");
    td.putArray("compatibilities").add("EC2").add("FARGATE");
    td.put("registeredAt", clock.nowMillis() / 1000.0);
    td.put("registeredBy", registeredBy);
    taskDefs.put(arn, td);
    if (request.has("tags")) {
      taskDefTags.put(arn, (ArrayNode) request.get("tags").deepCopy());
    }
    return td;
  }

  ArrayNode tagsOf(String taskDefArn) {
    ArrayNode t = taskDefTags.get(taskDefArn);
    return t == null ? JSON.createArrayNode() : t.deepCopy();
  }

  Service updateService(JsonNode req) {
    Cluster c = requireCluster(req.path("cluster").asText(null));
    Service s = requireService(c, req.path("service").asText(null));
    long now = clock.nowMillis();
    if (req.has("deploymentConfiguration")) {
      ObjectNode merged = s.deploymentConfiguration.deepCopy();
      merged.setAll((ObjectNode) req.get("deploymentConfiguration"));
      s.deploymentConfiguration = merged;
    }
    String target = s.taskDefinition;
    boolean newDeployment = req.path("forceNewDeployment").asBoolean(false);
    if (req.has("taskDefinition")) {
      if (!"ECS".equals(s.spec.deploymentController)) {
        throw AwsError.client("InvalidParameterException",
            "Unable to update task definition on services with a " + s.spec.deploymentController
                + " deployment controller. Use AWS CodeDeploy to trigger a new deployment.");
      }
      target = resolveTaskDefinition(req.get("taskDefinition").asText()).get("taskDefinitionArn").asText();
      newDeployment |= !target.equals(primaryTaskDefinition(s));
    }
    if (req.has("desiredCount")) {
      s.desiredCount = req.get("desiredCount").asInt();
      if (!newDeployment && s.primary() != null) {
        s.primary().desiredCount = s.desiredCount;
      }
    }
    if (newDeployment) {
      Scenario.Rollout plan =
          isScenarioRevision(target) || rollouts.isEmpty() ? scenario.defaultRollout : rollouts.poll();
      if (!isScenarioRevision(target)) {
        cloudWatch.deploymentStarted(now);
      }
      Deployment d = new Deployment(s, target, plan, false, now);
      for (Deployment old : s.deployments) {
        old.status = "ACTIVE";
        if (old.inProgress()) {
          // as ECS does: a deployment still rolling out when a newer one starts is stopped, not finished
          old.superseded = true;
          old.updatedAt = now;
          old.sdStatus = "STOPPED";
          old.sdStatusReason = "Service deployment superseded by a newer service deployment "
              + d.serviceDeploymentArn + ".";
          old.finishedAt = now;
        }
      }
      s.deployments.add(0, d);
      s.history.add(d);
      s.taskDefinition = target;
      s.event(now, "has begun deployment " + d.id + " of " + target.substring(target.lastIndexOf('/') + 1) + ".");
    }
    return s;
  }

  private String primaryTaskDefinition(Service s) {
    Deployment p = s.primary();
    return p == null ? null : p.taskDefinition;
  }

  Deployment findServiceDeployment(String arn) {
    for (Cluster c : clusters.values()) {
      for (Service s : c.services.values()) {
        for (Deployment d : s.history) {
          if (d.serviceDeploymentArn.equals(arn)) {
            return d;
          }
        }
      }
    }
    return null;
  }

  Service serviceOf(Deployment d) {
    for (Cluster c : clusters.values()) {
      for (Service s : c.services.values()) {
        if (s.history.contains(d)) {
          return s;
        }
      }
    }
    throw new IllegalStateException("orphan deployment " + d.id);
  }

  /** StopServiceDeployment: ROLLBACK starts ECS's rollback to the last completed revision; ABORT just stops. */
  Deployment stopServiceDeployment(String arn, String stopType) {
    Deployment d = findServiceDeployment(arn);
    if (d == null) {
      throw AwsError.client("ServiceDeploymentNotFoundException", "The service deployment does not exist.");
    }
    if (!("IN_PROGRESS".equals(d.sdStatus) || "PENDING".equals(d.sdStatus))) {
      throw AwsError.client("ConflictException", "The service deployment is in status " + d.sdStatus
          + " and cannot be stopped.");
    }
    Service s = serviceOf(d);
    long now = clock.nowMillis();
    d.rolloutState = "FAILED";
    d.rolloutStateReason = "Service deployment stopped by StopServiceDeployment (" + stopType + ").";
    d.updatedAt = now;
    if ("ABORT".equals(stopType)) {
      d.sdStatus = "STOPPED";
      d.finishedAt = now;
      return d;
    }
    Deployment target = lastCompleted(s, d);
    if (target == null) {
      throw AwsError.client("ConflictException", "No completed service revision to roll back to.");
    }
    d.sdStatus = "ROLLBACK_REQUESTED";
    startRollback(s, d, target.taskDefinition, "StopServiceDeployment with stopType ROLLBACK", now);
    return d;
  }

  Iterable<Cluster> clusters() {
    return clusters.values();
  }

  // ------------------------------------------------------------------ views

  ObjectNode serviceView(Service s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("serviceArn", s.arn);
    o.put("serviceName", s.name);
    o.put("clusterArn", s.cluster.arn);
    ArrayNode lbs = o.putArray("loadBalancers");
    s.spec.loadBalancers.forEach(lbs::add);
    o.put("status", s.status);
    o.put("desiredCount", s.desiredCount);
    int running = 0;
    for (Deployment d : s.deployments) {
      running += d.running();
    }
    o.put("runningCount", running);
    o.put("pendingCount", Math.max(0, s.primary() == null ? 0 : s.primary().desiredCount - s.primary().running()));
    o.put("launchType", s.spec.launchType);
    o.put("taskDefinition", s.taskDefinition);
    o.set("deploymentConfiguration", s.deploymentConfiguration.deepCopy());
    ArrayNode deps = o.putArray("deployments");
    for (Deployment d : s.deployments) {
      deps.add(deploymentView(s, d));
    }
    ArrayNode events = o.putArray("events");
    s.events.forEach(events::add);
    o.put("createdAt", s.createdAt / 1000.0);
    if (s.primary() != null) {
      o.put("currentServiceDeployment", s.primary().serviceDeploymentArn);
    }
    o.putObject("deploymentController").put("type", s.spec.deploymentController);
    o.put("schedulingStrategy", "REPLICA");
    return o;
  }

  /** Behind a Classic Load Balancer (loadBalancerName, no target group) ECS reports no rolloutState. */
  static boolean classicLoadBalancer(Service s) {
    return s.spec.loadBalancers.stream()
        .anyMatch(lb -> lb.hasNonNull("loadBalancerName") && !lb.hasNonNull("targetGroupArn"));
  }

  ObjectNode deploymentView(Service s, Deployment d) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", d.id);
    o.put("status", d.status);
    o.put("taskDefinition", d.taskDefinition);
    o.put("desiredCount", d.desiredCount);
    o.put("pendingCount", "COMPLETED".equals(d.rolloutState) ? 0 : Math.max(0, d.desiredCount - d.running()));
    o.put("runningCount", d.running());
    o.put("failedTasks", d.failedTasks);
    o.put("createdAt", d.createdAt / 1000.0);
    o.put("updatedAt", d.updatedAt / 1000.0);
    if (!classicLoadBalancer(s)) {
      o.put("rolloutState", d.rolloutState);
      o.put("rolloutStateReason", d.rolloutStateReason);
    }
    return o;
  }

  ObjectNode serviceDeploymentView(Deployment d) {
    Service s = serviceOf(d);
    ObjectNode o = JSON.createObjectNode();
    o.put("serviceDeploymentArn", d.serviceDeploymentArn);
    o.put("serviceArn", s.arn);
    o.put("clusterArn", s.cluster.arn);
    o.put("createdAt", d.createdAt / 1000.0);
    o.put("startedAt", d.createdAt / 1000.0);
    o.put("updatedAt", d.updatedAt / 1000.0);
    if (d.finishedAt != null) {
      o.put("finishedAt", d.finishedAt / 1000.0);
    }
    ArrayNode src = o.putArray("sourceServiceRevisions");
    for (String arn : d.sourceRevisionArns) {
      src.addObject().put("arn", arn);
    }
    o.putObject("targetServiceRevision")
        .put("arn", d.serviceRevisionArn)
        .put("requestedTaskCount", d.desiredCount)
        .put("runningTaskCount", d.running())
        .put("pendingTaskCount", Math.max(0, d.desiredCount - d.running()));
    o.put("status", d.sdStatus);
    if (d.sdStatusReason != null) {
      o.put("statusReason", d.sdStatusReason);
    }
    o.set("deploymentConfiguration", d.configuration.deepCopy());
    if (d.rollbackInfo != null) {
      o.set("rollback", d.rollbackInfo.deepCopy());
    }
    JsonNode cb = d.configuration.path("deploymentCircuitBreaker");
    o.putObject("deploymentCircuitBreaker")
        .put("status", cb.path("enable").asBoolean(false)
            ? ("FAILED".equals(d.rolloutState) && d.failedTasks > 0 ? "TRIGGERED" : "MONITORING") : "DISABLED")
        .put("failureCount", d.failedTasks)
        .put("threshold", d.plan.failureThreshold > 0 ? d.plan.failureThreshold : Math.max(3, (d.desiredCount + 1) / 2));
    return o;
  }

  ObjectNode serviceRevisionView(String arn) {
    for (Cluster c : clusters.values()) {
      for (Service s : c.services.values()) {
        for (Deployment d : s.history) {
          if (d.serviceRevisionArn.equals(arn)) {
            ObjectNode o = JSON.createObjectNode();
            o.put("serviceRevisionArn", arn);
            o.put("serviceArn", s.arn);
            o.put("clusterArn", s.cluster.arn);
            o.put("taskDefinition", d.taskDefinition);
            o.put("launchType", s.spec.launchType);
            o.put("createdAt", d.createdAt / 1000.0);
            ArrayNode lbs = o.putArray("loadBalancers");
            s.spec.loadBalancers.forEach(lbs::add);
            return o;
          }
        }
      }
    }
    return null;
  }

  List<Task> tasksOf(Service s, boolean stopped) {
    List<Task> out = new ArrayList<>();
    if (stopped) {
      out.addAll(s.stoppedTasks);
    } else {
      for (Deployment d : s.deployments) {
        for (Task t : d.tasks) {
          if (!t.stopped()) {
            out.add(t);
          }
        }
      }
    }
    return out;
  }

  Task findTask(String arn) {
    for (Cluster c : clusters.values()) {
      for (Service s : c.services.values()) {
        for (Deployment d : s.history) {
          for (Task t : d.tasks) {
            if (t.arn.equals(arn) || t.arn.endsWith("/" + arn)) {
              return t;
            }
          }
        }
        for (Task t : s.stoppedTasks) {
          if (t.arn.equals(arn) || t.arn.endsWith("/" + arn)) {
            return t;
          }
        }
      }
    }
    return null;
  }

  ObjectNode taskView(Task t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("taskArn", t.arn);
    o.put("taskDefinitionArn", t.taskDefinitionArn);
    o.put("lastStatus", t.lastStatus);
    o.put("desiredStatus", t.lastStatus);
    o.put("startedBy", t.startedBy);
    o.put("createdAt", t.createdAt / 1000.0);
    o.put("group", "service:" + t.service.name);
    o.put("clusterArn", t.service.cluster.arn);
    if (t.startedAt != null) {
      o.put("startedAt", t.startedAt / 1000.0);
    }
    if (t.stoppedAt != null) {
      o.put("stoppedAt", t.stoppedAt / 1000.0);
    }
    if (t.stoppedReason != null) {
      o.put("stoppedReason", t.stoppedReason);
    }
    if (t.stopCode != null) {
      o.put("stopCode", t.stopCode);
    }
    ContainerTasks.Handle h = t.container;
    if (h != null) {
      ObjectNode c = o.putArray("containers").addObject();
      c.put("taskArn", t.arn);
      c.put("name", t.containerDefinition.path("name").asText());
      c.put("image", h.image);
      c.put("lastStatus", t.lastStatus);
      if (h.containerId() != null) {
        c.put("runtimeId", h.containerId());
      }
      if (h.exitCode != null) {
        c.put("exitCode", h.exitCode);
      }
      if (h.state == ContainerTasks.State.FAILED) {
        c.put("reason", "CannotPullContainerError: " + firstLine(h.reason));
      }
      c.putArray("networkBindings").addObject().put("bindIP", "127.0.0.1")
          .put("containerPort", h.hostPort).put("hostPort", h.hostPort).put("protocol", "tcp");
      if (h.healthPath != null) {
        o.put("healthStatus", Boolean.TRUE.equals(h.healthy) ? "HEALTHY"
            : Boolean.FALSE.equals(h.healthy) ? "UNHEALTHY" : "UNKNOWN");
      }
    }
    return o;
  }

  /** Container mode: where a task's container answers, and the target's health as the checks saw it. */
  record Target(Task task, String id, int port, String state, String reason) {}

  /**
   * Targets registered in {@code targetGroupArn}: every task of the services behind it that is not stopped.
   * Scripted tasks answer on their made-up IP and the container port, in the state the scenario gives; containers
   * on 127.0.0.1 and their host port, in the state of their real health checks ({@code initial} until the first
   * passes).
   */
  List<Target> targets(String targetGroupArn, Scenario.TargetGroup spec) {
    List<Target> out = new ArrayList<>();
    for (Cluster c : clusters.values()) {
      for (Service s : c.services.values()) {
        for (JsonNode lb : s.spec.loadBalancers) {
          if (!targetGroupArn.equals(lb.path("targetGroupArn").asText())) {
            continue;
          }
          for (Task t : tasksOf(s, false)) {
            ContainerTasks.Handle h = t.container;
            if (h == null) {
              // targets of the scenario's own revisions were healthy before the test began
              String state = isScenarioRevision(t.taskDefinitionArn) ? "healthy" : spec.state;
              out.add(new Target(t, t.ip, lb.path("containerPort").asInt(80), state,
                  "healthy".equals(state) ? null : spec.reason));
            } else if ("RUNNING".equals(t.lastStatus)) {
              String state = Boolean.TRUE.equals(h.healthy) ? "healthy"
                  : Boolean.FALSE.equals(h.healthy) ? "unhealthy" : "initial";
              String reason = "initial".equals(state) ? "Elb.RegistrationInProgress" : h.healthReason;
              out.add(new Target(t, "127.0.0.1", h.hostPort, state, "healthy".equals(state) ? null : reason));
            }
          }
        }
      }
    }
    return out;
  }
}
