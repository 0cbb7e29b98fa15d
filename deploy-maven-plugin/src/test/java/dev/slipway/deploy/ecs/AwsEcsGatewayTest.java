package dev.slipway.deploy.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Redactor;
import dev.slipway.ecssim.CallRecord;
import dev.slipway.ecssim.EcsSimulator;
import dev.slipway.ecssim.Scenario;
import dev.slipway.ecssim.SimClock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDK adapter's AWS plumbing: assume role, the SDK's endpoint variables, errors, redaction of credentials. */
class AwsEcsGatewayTest {
  private static final String KEY = "AKIAGATEWAYTEST00001";
  private static final String SECRET = "gateway-test-secret-value-never-printed";
  private EcsSimulator sim;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("aws.accessKeyId", KEY);
    System.setProperty("aws.secretAccessKey", SECRET);
    System.clearProperty("aws.sessionToken");
    Scenario s = new Scenario();
    Scenario.Cluster c = new Scenario.Cluster();
    c.name = "apps";
    s.clusters.add(c);
    sim = new EcsSimulator(s, new SimClock.Virtual(Instant.parse("2026-03-01T10:00:00Z"))).start(0);
  }

  @AfterEach
  void stop() {
    sim.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void assumesTheRoleThroughStsAndSignsEcsCallsWithTheSessionCredentials() throws Exception {
    try (AwsEcsGateway g = new AwsEcsGateway(new AwsSettings("eu-west-1", null,
        "arn:aws:iam::123456789012:role/deployer", sim.endpoint(), 3))) {
      Redactor redactor = new Redactor();
      g.registerSecrets(redactor);
      assertThat(g.callerIdentity()).isEqualTo("arn:aws:sts::123456789012:assumed-role/deployer/slipway-deploy");
      assertThat(g.clusterStatus("apps")).isEqualTo("ACTIVE");
      assertThat(g.clusterStatus("missing")).isNull();
      CallRecord assume = sim.calls("AssumeRole").get(0);
      assertThat(assume.accessKeyId()).isEqualTo(KEY);
      String sessionKey = sim.calls("DescribeClusters").get(0).accessKeyId();
      assertThat(sessionKey).startsWith("ASIA").isNotEqualTo(KEY);
      assertThat(redactor.redact("key " + sessionKey + " secret " + SECRET)).doesNotContain(sessionKey, SECRET);
    }
  }

  @Test
  void honoursTheSdkServiceSpecificEndpointSettings() throws Exception {
    // the same resolution as AWS_ENDPOINT_URL_ECS / _STS / _ELASTIC_LOAD_BALANCING_V2, as system properties
    List<String> props = List.of("aws.endpointUrlEcs", "aws.endpointUrlSts", "aws.endpointUrlElasticLoadBalancingV2");
    props.forEach(p -> System.setProperty(p, sim.endpoint().toString()));
    try (AwsEcsGateway g = new AwsEcsGateway(new AwsSettings("eu-west-1", null, null, null, 2))) {
      assertThat(g.callerIdentity()).isEqualTo("arn:aws:iam::123456789012:user/deployer");
      assertThat(g.clusterStatus("apps")).isEqualTo("ACTIVE");
      assertThatThrownBy(() -> g.targetHealth("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/1"))
          .isInstanceOf(EcsGateway.AwsException.class).hasMessageContaining("TargetGroupNotFound");
      assertThat(sim.calls()).extracting(CallRecord::operation)
          .containsExactly("GetCallerIdentity", "DescribeClusters", "DescribeTargetHealth");
    } finally {
      props.forEach(System::clearProperty);
    }
  }

  @Test
  void aClientThatCannotBeBuiltDoesNotLeakTheHttpClient() {
    java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
    software.amazon.awssdk.http.SdkHttpClient recording = new software.amazon.awssdk.http.SdkHttpClient() {
      @Override
      public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(
          software.amazon.awssdk.http.HttpExecuteRequest request) {
        throw new IllegalStateException("no request is expected");
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    };
    // an endpoint without a scheme: the SDK's client builder refuses it
    assertThatThrownBy(() -> new AwsEcsGateway(new AwsSettings("eu-west-1", null,
        "arn:aws:iam::123456789012:role/deployer", java.net.URI.create("127.0.0.1"), 2), recording))
        .isInstanceOf(RuntimeException.class).hasMessageContaining("endpointOverride");
    assertThat(closed.get()).isEqualTo(1);
  }

  @Test
  void serviceErrorsNameOperationCodeAndAttempts() throws Exception {
    try (AwsEcsGateway g = new AwsEcsGateway(new AwsSettings("eu-west-1", null, null, sim.endpoint(), 2))) {
      assertThatThrownBy(() -> g.service("missing", "web"))
          .isInstanceOf(EcsGateway.AwsException.class)
          .hasMessageContaining("ECS DescribeServices failed: ClusterNotFoundException")
          .hasMessageContaining("HTTP 400")
          .satisfies(e -> assertThat(((EcsGateway.AwsException) e).code()).isEqualTo("ClusterNotFoundException"));
    }
  }
}
