package dev.slipway.ecssim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.testkit.BusyboxImage;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.PublishedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;

/**
 * Container mode against the real runtime: tasks are busybox containers on the kit's podman, pulled from a local
 * registry by digest, seen through the real SDK clients and reached through the simulator's loopback load balancer.
 */
class ContainerModeTest {
  private static final String TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef";
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  static PublishedImage good;
  static PublishedImage crashing;

  @TempDir Path logs;
  private EcsSimulator sim;
  private EcsClient ecs;
  private ElasticLoadBalancingV2Client elb;
  private final HttpClient http = HttpClient.newHttpClient();

  /** A web server that prints its environment, and one that cannot start: it says why and exits with 3. */
  @BeforeAll
  static void images() throws Exception {
    good = BusyboxImage.create()
        .file("/www/health", "UP\n", 0644)
        .file("/www/hello", "hello from v1\n", 0644)
        .entrypoint("/bin/sh", "-c", "echo \"starting on $BIND:$PORT, GREETING=$GREETING\"; "
            + "exec httpd -f -p $BIND:$PORT -h /www")
        .user("65532")
        .publishTo(registry, "test/web:1");
    crashing = BusyboxImage.create()
        .entrypoint("/bin/sh", "-c", "echo \"cannot start: no configuration\" >&2; exit 3")
        .user("65532")
        .publishTo(registry, "test/web:2");
  }

  private static Scenario scenario(String image) {
    Scenario s = new Scenario();
    ObjectNode td = EcsModel.JSON.createObjectNode().put("family", "web");
    ObjectNode c = td.putArray("containerDefinitions").addObject().put("name", "web").put("image", image)
        .put("essential", true);
    c.putArray("environment").addObject().put("name", "GREETING").put("value", "hi from the task definition");
    c.putArray("portMappings").addObject().put("containerPort", 8080);
    s.taskDefinitions.add(td);
    Scenario.Cluster cluster = new Scenario.Cluster();
    cluster.name = "apps";
    Scenario.Service svc = new Scenario.Service();
    svc.name = "web";
    svc.taskDefinition = "web:1";
    svc.desiredCount = 2;
    svc.loadBalancers.add(EcsModel.JSON.createObjectNode().put("targetGroupArn", TG).put("containerName", "web")
        .put("containerPort", 8080));
    cluster.services.add(svc);
    s.clusters.add(cluster);
    Scenario.TargetGroup tg = new Scenario.TargetGroup();
    tg.arn = TG;
    tg.healthCheckPath = "/health";
    s.targetGroups.add(tg);
    return s;
  }

  private void start() throws Exception {
    sim = new EcsSimulator(scenario(good.pinned()), new SimClock.Accelerated(Instant.now(), 1),
        ContainerTasks.podman(podman, logs)).start(0);
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDCONTAINERS", "x"));
    ecs = EcsClient.builder().endpointOverride(sim.endpoint()).region(Region.EU_WEST_1).credentialsProvider(creds)
        .build();
    elb = ElasticLoadBalancingV2Client.builder().endpointOverride(sim.endpoint()).region(Region.EU_WEST_1)
        .credentialsProvider(creds).build();
  }

  @AfterEach
  void stop() {
    if (ecs != null) {
      ecs.close();
      elb.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private List<TargetHealthDescription> targets() {
    return elb.describeTargetHealth(b -> b.targetGroupArn(TG)).targetHealthDescriptions();
  }

  private long healthy() {
    return targets().stream().filter(t -> "healthy".equals(t.targetHealth().stateAsString())).count();
  }

  private List<Task> tasks(DesiredStatus status) {
    List<String> arns = ecs.listTasks(b -> b.cluster("apps").serviceName("web").desiredStatus(status)).taskArns();
    return arns.isEmpty() ? List.of() : ecs.describeTasks(b -> b.cluster("apps").tasks(arns)).tasks();
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(200);
    }
    System.out.printf("%s after %.1f s%n", what, (System.nanoTime() - start) / 1e9);
  }

  private HttpResponse<String> viaLoadBalancer(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sim.loadBalancerUrl(TG) + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tasksAreContainersBehindARoundRobinLoadBalancerAndAnExitedOneIsStoppedWithItsExitCode() throws Exception {
    start();
    // before any health check passed, the load balancer has nobody to send to, as an ALB answers then
    await("two healthy targets", Duration.ofSeconds(60), () -> healthy() == 2);

    List<Task> running = tasks(DesiredStatus.RUNNING);
    assertThat(running).hasSize(2).allSatisfy(t -> {
      assertThat(t.lastStatus()).isEqualTo("RUNNING");
      assertThat(t.containers()).singleElement().satisfies(c -> {
        assertThat(c.image()).isEqualTo(good.pinned());
        assertThat(c.runtimeId()).isNotBlank();
      });
    });
    Set<Integer> ports = new HashSet<>();
    running.forEach(t -> ports.add(t.containers().get(0).networkBindings().get(0).hostPort()));
    assertThat(ports).hasSize(2); // one host port per task
    assertThat(targets()).extracting(t -> t.target().port()).containsExactlyInAnyOrderElementsOf(ports);

    // each task got the task definition's environment, and its own port and bind address
    for (Task t : running) {
      int port = t.containers().get(0).networkBindings().get(0).hostPort();
      assertThat(sim.taskOutput(t.taskArn()))
          .contains("starting on 127.0.0.1:" + port + ", GREETING=hi from the task definition");
    }

    // round robin over both healthy tasks, each answer naming its task
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = viaLoadBalancer("/hello");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("hello from v1\n");
      answeredBy.add(r.headers().firstValue(LoadBalancerFront.TASK_HEADER).orElseThrow());
    }
    assertThat(answeredBy).containsExactlyInAnyOrderElementsOf(running.stream().map(Task::taskArn).toList());

    // a container that dies takes its task with it: STOPPED with the exit code, and the service starts another
    Task victim = running.get(0);
    podman.podman("kill", "--signal", "KILL", victim.containers().get(0).runtimeId());
    await("the killed task stopped", Duration.ofSeconds(30), () -> tasks(DesiredStatus.STOPPED).stream()
        .anyMatch(t -> t.taskArn().equals(victim.taskArn())));
    Task stopped = ecs.describeTasks(b -> b.cluster("apps").tasks(victim.taskArn())).tasks().get(0);
    assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
    assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
    assertThat(stopped.stoppedReason()).isEqualTo("Essential container in task exited");
    assertThat(stopped.containers().get(0).exitCode()).isEqualTo(137); // 128 + SIGKILL
    assertThat(sim.taskLogDirectory().resolve(victim.taskArn().substring(victim.taskArn().lastIndexOf('/') + 1)
        + ".log")).content().contains("starting on 127.0.0.1:");
    await("a replacement is healthy", Duration.ofSeconds(60), () -> healthy() == 2
        && tasks(DesiredStatus.RUNNING).stream().noneMatch(t -> t.taskArn().equals(victim.taskArn())));
    // the completed deployment lost no task to a rollout: its failures do not count
    assertThat(sim.service("apps", "web").path("deployments").get(0).path("failedTasks").asInt()).isZero();
  }

  @Test
  void aRevisionWhoseContainersExitTripsTheCircuitBreakerAndTheOldContainersKeepAnswering() throws Exception {
    start();
    await("two healthy targets", Duration.ofSeconds(60), () -> healthy() == 2);
    Set<String> oldTasks = new HashSet<>(tasks(DesiredStatus.RUNNING).stream().map(Task::taskArn).toList());

    String v2 = ecs.registerTaskDefinition(b -> b.family("web").containerDefinitions(c -> c.name("web")
        .image(crashing.pinned()).environment(KeyValuePair.builder().name("GREETING").value("v2").build())))
        .taskDefinition().taskDefinitionArn();
    String deployment = ecs.updateService(b -> b.cluster("apps").service("web").taskDefinition(v2)).service()
        .currentServiceDeployment();

    await("ECS rolled back", Duration.ofSeconds(90), () -> "ROLLBACK_SUCCESSFUL".equals(
        ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(deployment)).serviceDeployments().get(0)
            .statusAsString()));
    ServiceDeployment sd = ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(deployment))
        .serviceDeployments().get(0);
    assertThat(sd.deploymentCircuitBreaker().statusAsString()).isEqualTo("TRIGGERED");
    assertThat(sd.deploymentCircuitBreaker().failureCount()).isGreaterThanOrEqualTo(3);

    // every task of the new revision: its container ran, printed why, and exited with 3
    List<Task> failed = tasks(DesiredStatus.STOPPED).stream().filter(t -> t.taskDefinitionArn().equals(v2)).toList();
    assertThat(failed).hasSizeGreaterThanOrEqualTo(3).allSatisfy(t -> {
      assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
      assertThat(t.containers().get(0).exitCode()).isEqualTo(3);
    });
    assertThat(sim.taskOutput(failed.get(0).taskArn())).contains("cannot start: no configuration");

    // ... and the service still answers from the old revision's containers
    assertThat(sim.service("apps", "web").path("taskDefinition").asText()).endsWith("web:1");
    await("two healthy targets after the rollback", Duration.ofSeconds(60), () -> healthy() == 2);
    HttpResponse<String> r = viaLoadBalancer("/hello");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from v1\n");
    String task = r.headers().firstValue(LoadBalancerFront.TASK_HEADER).orElseThrow();
    assertThat(ecs.describeTasks(b -> b.cluster("apps").tasks(task)).tasks().get(0).taskDefinitionArn())
        .endsWith("web:1");
    assertThat(oldTasks).isNotEmpty();
  }
}
