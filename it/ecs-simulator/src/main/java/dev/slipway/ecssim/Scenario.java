package dev.slipway.ecssim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The world a simulation starts from and the script it plays. Read from JSON or YAML; every field has a default so a
 * scenario states only what matters to its test. Example (YAML):
 *
 * <pre>
 * account: "123456789012"
 * region: eu-west-1
 * taskDefinitions:
 *   - family: web
 *     containerDefinitions: [{name: web, image: "repo/web@sha256:...", essential: true}]
 * clusters:
 *   - name: staging
 *     services:
 *       - name: web
 *         taskDefinition: web:1
 *         desiredCount: 2
 *         circuitBreaker: {enable: true, rollback: true}
 * rollouts:                       # consumed in order by deployments of newly registered revisions
 *   - outcome: CRASH              # SUCCESS | CRASH | STUCK
 *     taskStartSeconds: 15
 * faults:
 *   - {operation: DescribeServices, error: ThrottlingException, count: 3}
 * </pre>
 */
public final class Scenario {
  public String account = "123456789012";
  public String region = "eu-west-1";
  /** Identity GetCallerIdentity answers for long-term credentials. */
  public String callerArn = "arn:aws:iam::123456789012:user/deployer";
  public List<ObjectNode> taskDefinitions = new ArrayList<>();
  /** Tags per task definition family, applied to the revisions the scenario registers. */
  public Map<String, List<Map<String, String>>> taskDefinitionTags = Map.of();
  public List<Cluster> clusters = new ArrayList<>();
  public List<Rollout> rollouts = new ArrayList<>();
  /** How deployments not covered by {@link #rollouts} (rollbacks, redeploys of old revisions) behave. */
  public Rollout defaultRollout = new Rollout();
  public List<Fault> faults = new ArrayList<>();
  public List<TargetGroup> targetGroups = new ArrayList<>();
  /**
   * IAM actions the caller is not allowed (e.g. {@code ecs:DescribeServiceDeployments}): such calls answer
   * AccessDenied, and IAM SimulatePrincipalPolicy reports them as {@code implicitDeny}.
   */
  public List<String> denied = new ArrayList<>();
  /** CloudWatch metrics with scripted values (see {@link MetricSeries}). */
  public List<MetricSeries> metrics = new ArrayList<>();
  /** CloudWatch alarms with scripted state changes (see {@link Alarm}). */
  public List<Alarm> alarms = new ArrayList<>();

  /** What the seconds of a metric or alarm timeline count from. */
  public enum Anchor {
    /** The simulator's start. */
    START,
    /** The start of the first deployment of a newly registered revision (UpdateService), e.g. a deploy:ecs. */
    DEPLOYMENT
  }

  /**
   * One CloudWatch metric (namespace, name, dimensions) with one datapoint per minute while a segment covers it:
   * {@code {from: 60, to: 180, value: 40}} publishes 40 at 60 s and 120 s after the anchor. Minutes no segment covers
   * have no datapoint at all, as an ALB publishes nothing while no request flows.
   */
  public static final class MetricSeries {
    public String namespace = "AWS/ApplicationELB";
    public String metricName;
    public Map<String, String> dimensions = new java.util.LinkedHashMap<>();
    public Anchor anchor = Anchor.DEPLOYMENT;
    public List<Segment> points = new ArrayList<>();
  }

  /** Seconds {@code [from, to)} after the anchor, one datapoint of {@code value} per minute. */
  public static final class Segment {
    public int from;
    public int to;
    public double value;
  }

  /** A CloudWatch alarm: its state before the first change, then the changes, seconds after the anchor. */
  public static final class Alarm {
    public String name;
    public String namespace = "AWS/ApplicationELB";
    public String metricName = "HTTPCode_Target_5XX_Count";
    public Anchor anchor = Anchor.DEPLOYMENT;
    public String initialState = "OK";
    public List<AlarmChange> changes = new ArrayList<>();
  }

  public static final class AlarmChange {
    public int at;
    /** OK, ALARM or INSUFFICIENT_DATA. */
    public String state;
    public String reason;
  }

  public static final class Cluster {
    public String name;
    public List<Service> services = new ArrayList<>();
  }

  public static final class Service {
    public String name;
    public String taskDefinition;
    public int desiredCount = 1;
    public String launchType = "FARGATE";
    /** ECS, CODE_DEPLOY or EXTERNAL. */
    public String deploymentController = "ECS";
    public String strategy = "ROLLING";
    public int minimumHealthyPercent = 100;
    public int maximumPercent = 200;
    public CircuitBreaker circuitBreaker = new CircuitBreaker();
    /**
     * Load balancers as ECS reports them: targetGroupArn, containerName, containerPort; a Classic Load Balancer has
     * loadBalancerName instead of targetGroupArn, and then ECS reports no rolloutState.
     */
    public List<ObjectNode> loadBalancers = new ArrayList<>();
    public String status = "ACTIVE";
  }

  public static final class CircuitBreaker {
    public boolean enable = true;
    public boolean rollback = true;
  }

  public static final class Rollout {
    /** SUCCESS: tasks start one per tick; CRASH: tasks exit one per tick; STUCK: tasks never get placed. */
    public Outcome outcome = Outcome.SUCCESS;
    /** Simulated seconds between two task starts (or crashes). */
    public int taskStartSeconds = 10;
    /** Failed tasks before the circuit breaker trips; 0 means ECS's rule, half the desired count but at least 3. */
    public int failureThreshold = 0;
  }

  public enum Outcome {
    SUCCESS,
    CRASH,
    STUCK
  }

  /** Answer {@code count} calls of {@code operation} ("*" for any) with {@code error}, after letting {@code skip} pass. */
  public static final class Fault {
    public String operation = "*";
    /** ThrottlingException, ServerException (500), ServiceUnavailableException (503), or any error code. */
    public String error = "ThrottlingException";
    public int count = 1;
    public int skip = 0;
  }

  public static final class TargetGroup {
    public String arn;
    /** healthy, unhealthy, ... reported for the targets of a new deployment once its tasks run. */
    public String state = "healthy";
    public String reason;
    /** The load balancer in front of it, as DescribeTargetGroups reports it. */
    public String loadBalancerArn;
    /**
     * Container mode: the path its health checks GET on each task's port (a 2xx answer is healthy), and what the
     * simulator's loopback load balancer sends traffic by. Scripted tasks report {@link #state} instead.
     */
    public String healthCheckPath = "/";
  }

  private static ObjectMapper mapper(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
    return m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  }

  /** Reads a scenario; errors name the file, line and field. */
  public static Scenario read(Path file) throws IOException {
    try {
      return mapper(file).readValue(Files.readAllBytes(file), Scenario.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      throw new IOException(
          file + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr()) + ": not a scenario ("
              + e.getOriginalMessage() + ")", e);
    }
  }

  public static Scenario parse(String text, boolean yaml) throws IOException {
    ObjectMapper m = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
    return m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true).readValue(text, Scenario.class);
  }
}
