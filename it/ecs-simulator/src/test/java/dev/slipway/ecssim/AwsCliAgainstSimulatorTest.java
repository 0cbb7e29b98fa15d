package dev.slipway.ecssim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator started the way a person starts it ({@code java ... Main --port N --scenario FILE --speed 0}) and
 * driven by the real awscli (botocore, an independent implementation of the protocols), so it is shown to speak ECS
 * awsJson1_1, STS and ELBv2 awsQuery and CloudWatch awsJson1_0, not merely whatever Slipway's own client sends.
 */
class AwsCliAgainstSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Process simulator;
  private static int port;
  @TempDir static Path home;

  @BeforeAll
  static void startSimulatorProcess() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path scenario = Path.of(AwsCliAgainstSimulatorTest.class.getResource("/shop.yaml").toURI());
    simulator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--port", String.valueOf(port), "--scenario", scenario.toString(), "--speed", "0")
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(simulator.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertThat(first).contains("ECS simulator listening on http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    simulator.destroy();
    simulator.waitFor(10, TimeUnit.SECONDS);
  }

  private record Run(int exit, String stdout, String stderr) {}

  private static Run run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(findAws().toString(), "--endpoint-url", "http://127.0.0.1:" + port,
        "--region", "eu-west-1", "--output", "json"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDAWSCLITEST000001");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "awscli-test-secret");
    pb.environment().put("AWS_CONFIG_FILE", home.resolve("config").toString());
    pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
    pb.environment().put("AWS_PAGER", "");
    pb.environment().put("AWS_MAX_ATTEMPTS", "1");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] stdout = p.getInputStream().readAllBytes();
    byte[] stderr = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
  }

  private static JsonNode aws(String... args) throws IOException, InterruptedException {
    Run r = run(args);
    assertThat(r.exit()).as("aws %s failed: %s", String.join(" ", args), r.stderr()).isZero();
    return r.stdout().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.stdout());
  }

  private static Path findAws() {
    for (String dir : (System.getenv("PATH") + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir, "aws");
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IllegalStateException("'aws' (awscli) is not installed: apt-get install -y awscli (.ci/setup.d does it)");
  }

  private static JsonNode admin(String method, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void awscliDrivesADeploymentThatTheCircuitBreakerRollsBack() throws Exception {
    JsonNode id = aws("sts", "get-caller-identity");
    assertThat(id.path("Account").asText()).isEqualTo("123456789012");

    JsonNode before = aws("ecs", "describe-services", "--cluster", "shop", "--services", "web");
    JsonNode svc = before.path("services").get(0);
    assertThat(svc.path("status").asText()).isEqualTo("ACTIVE");
    assertThat(svc.path("runningCount").asInt()).isEqualTo(2);
    assertThat(svc.path("taskDefinition").asText()).endsWith(":task-definition/web:1");

    JsonNode td = aws("ecs", "describe-task-definition", "--task-definition", "web", "--include", "TAGS");
    assertThat(td.path("taskDefinition").path("containerDefinitions").get(0).path("environment").get(0)
        .path("value").asText("missing")).isEmpty();
    assertThat(td.path("tags").get(0).path("value").asText()).isEqualTo("shop");

    JsonNode registered = aws("ecs", "register-task-definition", "--family", "web", "--container-definitions",
        "[{\"name\":\"web\",\"image\":\"registry.example/shop/web@sha256:" + "2".repeat(64) + "\",\"essential\":true}]");
    assertThat(registered.path("taskDefinition").path("revision").asInt()).isEqualTo(2);

    JsonNode updated = aws("ecs", "update-service", "--cluster", "shop", "--service", "web", "--task-definition",
        "web:2");
    String ourDeployment = updated.path("service").path("deployments").get(0).path("id").asText();
    assertThat(updated.path("service").path("deployments")).hasSize(2);

    JsonNode health = aws("elbv2", "describe-target-health", "--target-group-arn",
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/abc");
    assertThat(health.path("TargetHealthDescriptions")).hasSize(2);
    assertThat(health.path("TargetHealthDescriptions").get(0).path("TargetHealth").path("State").asText())
        .isEqualTo("healthy");

    long deployedAt = admin("GET", "/_sim/clock").path("nowMillis").asLong();
    // three crashes 10 s apart trip the breaker; ECS rolls back to web:1, which starts within two more ticks
    admin("POST", "/_sim/advance?seconds=60");
    JsonNode after = aws("ecs", "describe-services", "--cluster", "shop", "--services", "web");
    JsonNode deployments = after.path("services").get(0).path("deployments");
    assertThat(after.path("services").get(0).path("taskDefinition").asText()).endsWith("web:1");
    assertThat(deployments).hasSize(1);
    assertThat(deployments.get(0).path("rolloutState").asText()).isEqualTo("COMPLETED");
    assertThat(deployments.get(0).path("id").asText()).isNotEqualTo(ourDeployment);

    Run listed = run("ecs", "list-service-deployments", "--cluster", "shop", "--service", "web");
    if (listed.exit() != 0 && listed.stderr().contains("Invalid choice")) {
      // Debian's awscli 2.9 predates the service-deployment API (2024-10); awscli 1.45 here has it
      System.out.println("awscli has no list-service-deployments; service-deployment checks done by the SDK tests");
    } else {
      JsonNode list = JSON.readTree(listed.stdout());
      String failedArn = list.path("serviceDeployments").get(1).path("serviceDeploymentArn").asText();
      JsonNode described = aws("ecs", "describe-service-deployments", "--service-deployment-arns", failedArn);
      assertThat(described.path("serviceDeployments").get(0).path("status").asText())
          .isEqualTo("ROLLBACK_SUCCESSFUL");
      assertThat(described.path("serviceDeployments").get(0).path("deploymentCircuitBreaker").path("status").asText())
          .isEqualTo("TRIGGERED");
    }

    // CloudWatch in awscli's awsJson1_0: the scenario's metrics one minute after the deployment, and its alarm
    admin("POST", "/_sim/advance?seconds=40");
    String dims = "[{\"Name\":\"LoadBalancer\",\"Value\":\"app/shop/50dc6c495c0c9188\"},"
        + "{\"Name\":\"TargetGroup\",\"Value\":\"targetgroup/web/abc\"}]";
    JsonNode metrics = aws("cloudwatch", "get-metric-data", "--scan-by", "TimestampAscending",
        "--start-time", java.time.Instant.ofEpochMilli(deployedAt - 60_000).toString(),
        "--end-time", java.time.Instant.ofEpochMilli(deployedAt + 600_000).toString(),
        "--metric-data-queries", "[{\"Id\":\"req\",\"ReturnData\":false,\"MetricStat\":{\"Metric\":{"
            + "\"Namespace\":\"AWS/ApplicationELB\",\"MetricName\":\"RequestCount\",\"Dimensions\":" + dims
            + "},\"Period\":60,\"Stat\":\"Sum\"}},{\"Id\":\"e5xx\",\"MetricStat\":{\"Metric\":{"
            + "\"Namespace\":\"AWS/ApplicationELB\",\"MetricName\":\"HTTPCode_Target_5XX_Count\","
            + "\"Dimensions\":" + dims + "},\"Period\":60,\"Stat\":\"Sum\"}},"
            + "{\"Id\":\"rate\",\"Expression\":\"100*FILL(e5xx,0)/req\",\"Label\":\"error %\"}]");
    JsonNode results = metrics.path("MetricDataResults");
    assertThat(results).hasSize(2); // req has ReturnData false
    assertThat(results.get(0).path("Values").toString()).isEqualTo("[5.0]");
    assertThat(results.get(1).path("Label").asText()).isEqualTo("error %");
    assertThat(results.get(1).path("Values").toString()).isEqualTo("[0.0,5.0]");
    JsonNode alarms = aws("cloudwatch", "describe-alarms", "--alarm-names", "web-5xx");
    assertThat(alarms.path("MetricAlarms").get(0).path("StateValue").asText()).isEqualTo("ALARM");
    assertThat(alarms.path("MetricAlarms").get(0).path("StateUpdatedTimestamp").asText()).isNotEmpty();

    JsonNode calls = admin("GET", "/_sim/calls");
    List<String> mutating = new ArrayList<>();
    calls.forEach(c -> {
      if (c.path("mutating").asBoolean()) {
        mutating.add(c.path("operation").asText());
      }
    });
    assertThat(mutating).containsExactly("RegisterTaskDefinition", "UpdateService");
  }

  @Test
  void awscliSeesAwsErrorsForMissingThings() throws Exception {
    JsonNode missing = aws("ecs", "describe-services", "--cluster", "shop", "--services", "nope");
    assertThat(missing.path("failures").get(0).path("reason").asText()).isEqualTo("MISSING");
    Run r = run("ecs", "describe-services", "--cluster", "no-such-cluster", "--services", "web");
    assertThat(r.exit()).isNotZero();
    String out = r.stderr();
    assertThat(out).contains("ClusterNotFoundException");
  }
}
