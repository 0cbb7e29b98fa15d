package dev.slipway.deploy.ecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Redactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * {@link EcsGateway} on aws-sdk-java-v2: ECS, STS and ELBv2 clients sharing one credentials provider (default chain,
 * a named profile, optionally an assumed role), one region, an optional endpoint override, and the SDK's standard
 * retry strategy, which retries throttling and 5xx answers with backoff.
 */
public final class AwsEcsGateway implements EcsGateway, AutoCloseable {
  private final SdkHttpClient http;
  private final EcsClient ecs;
  private final StsClient sts;
  private final ElasticLoadBalancingV2Client elb;
  private final IamClient iam;
  private final software.amazon.awssdk.services.cloudwatch.CloudWatchClient cloudWatchClient;
  private final AwsCredentialsProvider credentials;
  private final AwsCredentialsProvider baseCredentials;
  private final StsClient roleSts;

  public AwsEcsGateway(AwsSettings settings) {
    this(settings, UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(60))
        .build());
  }

  /** Takes ownership of {@code http}: it is closed with the gateway, or at once if the gateway cannot be built. */
  AwsEcsGateway(AwsSettings settings, SdkHttpClient http) {
    this.http = http;
    // a client that fails to build (no region, a bad endpoint) must not leak the HTTP client or those built before it
    List<AutoCloseable> built = new ArrayList<>();
    try {
      AwsCredentialsProvider base = settings.profile() != null
          ? ProfileCredentialsProvider.builder().profileName(settings.profile()).build()
          : DefaultCredentialsProvider.builder().build();
      if (base instanceof AutoCloseable c) {
        built.add(c);
      }
      this.baseCredentials = base;
      if (settings.roleArn() != null) {
        this.roleSts = configure(StsClient.builder(), settings, base).build();
        built.add(roleSts);
        this.credentials = StsAssumeRoleCredentialsProvider.builder()
            .stsClient(roleSts)
            .refreshRequest(r -> r.roleArn(settings.roleArn()).roleSessionName("slipway-deploy"))
            .build();
        if (credentials instanceof AutoCloseable c) {
          built.add(c);
        }
      } else {
        this.roleSts = null;
        this.credentials = base;
      }
      this.ecs = configure(EcsClient.builder(), settings, credentials).build();
      built.add(ecs);
      this.sts = configure(StsClient.builder(), settings, credentials).build();
      built.add(sts);
      this.elb = configure(ElasticLoadBalancingV2Client.builder(), settings, credentials).build();
      built.add(elb);
      // only PREFLIGHT's permission check calls IAM, and a check that cannot be made is skipped: one attempt is enough
      this.iam = configure(IamClient.builder(), new AwsSettings(settings.region(), settings.profile(),
          settings.roleArn(), settings.endpoint(), 1), credentials).build();
      built.add(iam);
      this.cloudWatchClient = configure(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder(),
          settings, credentials).build();
    } catch (RuntimeException | Error e) {
      for (int i = built.size() - 1; i >= 0; i--) {
        closeQuietly(built.get(i), e);
      }
      closeQuietly(http, e);
      throw e;
    }
  }

  private static void closeQuietly(AutoCloseable c, Throwable primary) {
    try {
      c.close();
    } catch (Exception suppressed) {
      primary.addSuppressed(suppressed);
    }
  }

  private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
      B configure(B builder, AwsSettings settings, AwsCredentialsProvider provider) {
    builder.credentialsProvider(provider).httpClient(http);
    if (settings.region() != null) {
      builder.region(Region.of(settings.region()));
    }
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    builder.overrideConfiguration(ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(settings.maxAttempts()).build())
        .build());
    return builder;
  }

  /** CloudWatch with the same credentials, region, endpoint and retries (AWS_ENDPOINT_URL_CLOUDWATCH applies). */
  public dev.slipway.deploy.monitor.CloudWatch cloudWatch() {
    return new dev.slipway.deploy.monitor.AwsCloudWatch(cloudWatchClient);
  }

  /**
   * Resolves the credentials the calls will be signed with and tells {@code redactor} about every part of them, so
   * that no key, secret or session token can reach a log, a journal or an error message.
   */
  public void registerSecrets(Redactor redactor) throws AwsException {
    // the long-term credentials that sign AssumeRole are as secret as the session they buy
    for (AwsCredentialsProvider p : credentials == baseCredentials ? List.of(credentials)
        : List.of(baseCredentials, credentials)) {
      AwsCredentials c = call("resolve AWS credentials", p::resolveCredentials);
      redactor.add(c.accessKeyId()).add(c.secretAccessKey());
      if (c instanceof AwsSessionCredentials s) {
        redactor.add(s.sessionToken());
      }
    }
  }

  @Override
  public String callerIdentity() throws AwsException {
    return call("STS GetCallerIdentity", () -> sts.getCallerIdentity().arn());
  }

  @Override
  public String clusterStatus(String cluster) throws AwsException {
    var r = call("ECS DescribeClusters", () -> ecs.describeClusters(b -> b.clusters(cluster)));
    return r.clusters().isEmpty() ? null : r.clusters().get(0).status();
  }

  @Override
  public ServiceView service(String cluster, String service) throws AwsException {
    var r = call("ECS DescribeServices", () -> ecs.describeServices(b -> b.cluster(cluster).services(service)));
    return r.services().isEmpty() ? null : view(r.services().get(0));
  }

  @Override
  public TaskDefinitionView taskDefinition(String reference) throws AwsException {
    var r = call("ECS DescribeTaskDefinition", () -> ecs.describeTaskDefinition(b -> b.taskDefinition(reference)));
    return view(r.taskDefinition());
  }

  @Override
  public TaskDefinitionDraft draft(String sourceArn, Map<String, String> imageByContainer) throws AwsException {
    RegisterTaskDefinitionRequest current = registerRequest(describeWithTags(sourceArn), Map.of());
    RegisterTaskDefinitionRequest proposed = registerRequest(describeWithTags(sourceArn), imageByContainer);
    return new TaskDefinitionDraft(sourceArn, current.family(), SdkJson.of(current), SdkJson.of(proposed));
  }

  @Override
  public TaskDefinitionView register(TaskDefinitionDraft draft) throws AwsException {
    // rebuilt from ECS's own description so that what is registered is exactly the source plus the new images
    Map<String, String> images = new java.util.LinkedHashMap<>();
    draft.proposed().path("containerDefinitions")
        .forEach(c -> images.put(c.path("name").asText(), c.path("image").asText()));
    RegisterTaskDefinitionRequest request = registerRequest(describeWithTags(draft.sourceArn()), images);
    var r = call("ECS RegisterTaskDefinition", () -> ecs.registerTaskDefinition(request));
    return view(r.taskDefinition());
  }

  private DescribeTaskDefinitionResponse describeWithTags(String arn) throws AwsException {
    return call("ECS DescribeTaskDefinition",
        () -> ecs.describeTaskDefinition(b -> b.taskDefinition(arn).include(TaskDefinitionField.TAGS)));
  }

  /**
   * Copies every member that RegisterTaskDefinition accepts from the described task definition, matched by the model's
   * member names: the read-only members (arn, revision, status, requiresAttributes, compatibilities, registeredAt/By)
   * have no counterpart in the request and so are never sent. Values are copied as typed objects, so empty environment
   * values survive.
   */
  private static RegisterTaskDefinitionRequest registerRequest(DescribeTaskDefinitionResponse described,
      Map<String, String> imageByContainer) {
    TaskDefinition td = described.taskDefinition();
    RegisterTaskDefinitionRequest.Builder b = RegisterTaskDefinitionRequest.builder();
    Map<String, SdkField<?>> source = td.sdkFieldNameToField();
    for (SdkField<?> target : b.sdkFields()) {
      SdkField<?> from = source.get(target.memberName());
      if (from != null) {
        Object value = from.getValueOrDefault(td);
        if (value != null && !(value instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?>)
            && !(value instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap<?, ?>)) {
          target.set(b, value);
        }
      }
    }
    List<ContainerDefinition> containers = new ArrayList<>();
    for (ContainerDefinition c : td.containerDefinitions()) {
      String image = imageByContainer.get(c.name());
      containers.add(image == null ? c : c.toBuilder().image(image).build());
    }
    b.containerDefinitions(containers);
    if (described.hasTags() && !described.tags().isEmpty()) {
      b.tags(described.tags());
    }
    return b.build();
  }

  @Override
  public ServiceView updateService(String cluster, String service, String taskDefinitionArn, Integer desiredCount,
      com.fasterxml.jackson.databind.JsonNode deploymentConfiguration) throws AwsException {
    UpdateServiceRequest.Builder b = UpdateServiceRequest.builder().cluster(cluster).service(service);
    if (taskDefinitionArn != null) {
      b.taskDefinition(taskDefinitionArn);
    }
    if (desiredCount != null) {
      b.desiredCount(desiredCount);
    }
    if (deploymentConfiguration != null && !deploymentConfiguration.isEmpty()) {
      b.deploymentConfiguration(SdkJson.<DeploymentConfiguration>read(deploymentConfiguration,
          DeploymentConfiguration.builder()));
    }
    UpdateServiceRequest request = b.build();
    return view(call("ECS UpdateService", () -> ecs.updateService(request)).service());
  }

  @Override
  public ServiceDeploymentView serviceDeployment(String arn) throws AwsException {
    var r = call("ECS DescribeServiceDeployments",
        () -> ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(arn)));
    if (r.serviceDeployments().isEmpty()) {
      return null;
    }
    ServiceDeployment d = r.serviceDeployments().get(0);
    return new ServiceDeploymentView(d.serviceDeploymentArn(), d.statusAsString(), d.statusReason(), d.createdAt(),
        d.finishedAt(), d.targetServiceRevision() == null ? null : d.targetServiceRevision().arn(),
        d.targetServiceRevision() == null ? null : d.targetServiceRevision().requestedTaskCount(),
        d.deploymentConfiguration() == null ? null : SdkJson.of(d.deploymentConfiguration()));
  }

  @Override
  public List<ServiceDeploymentSummary> serviceDeployments(String cluster, String service, int limit)
      throws AwsException {
    List<ServiceDeploymentSummary> out = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var r = call("ECS ListServiceDeployments", () -> ecs.listServiceDeployments(b -> b.cluster(cluster)
          .service(service).maxResults(Math.min(100, limit)).nextToken(next)));
      r.serviceDeployments().forEach(d -> out.add(new ServiceDeploymentSummary(d.serviceDeploymentArn(),
          d.statusAsString(), d.createdAt(), d.finishedAt(), d.targetServiceRevisionArn())));
      token = r.nextToken();
    } while (token != null && out.size() < limit);
    // ECS lists newest first; sorted anyway, so nothing depends on the order of pages
    out.sort(java.util.Comparator.comparing(ServiceDeploymentSummary::createdAt,
        java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder())));
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  @Override
  public String serviceRevisionTaskDefinition(String serviceRevisionArn) throws AwsException {
    var r = call("ECS DescribeServiceRevisions",
        () -> ecs.describeServiceRevisions(b -> b.serviceRevisionArns(serviceRevisionArn)));
    return r.serviceRevisions().isEmpty() ? null : r.serviceRevisions().get(0).taskDefinition();
  }

  @Override
  public Map<String, Boolean> simulatePermissions(String principalArn, List<String> actions, List<String> resources)
      throws AwsException {
    var r = call("IAM SimulatePrincipalPolicy", () -> iam.simulatePrincipalPolicy(b -> {
      b.policySourceArn(principalArn).actionNames(actions);
      if (!resources.isEmpty()) {
        b.resourceArns(resources);
      }
    }));
    Map<String, Boolean> out = new java.util.LinkedHashMap<>();
    r.evaluationResults().forEach(e -> out.merge(e.evalActionName(),
        e.evalDecision() == software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType.ALLOWED,
        Boolean::logicalAnd));
    return out;
  }

  @Override
  public List<String> loadBalancersOf(String targetGroupArn) throws AwsException {
    var r = call("ELBv2 DescribeTargetGroups", () -> elb.describeTargetGroups(b -> b.targetGroupArns(targetGroupArn)));
    return r.targetGroups().isEmpty() ? List.of() : List.copyOf(r.targetGroups().get(0).loadBalancerArns());
  }

  @Override
  public void stopServiceDeploymentWithRollback(String arn) throws AwsException {
    call("ECS StopServiceDeployment",
        () -> ecs.stopServiceDeployment(b -> b.serviceDeploymentArn(arn).stopType(StopServiceDeploymentStopType.ROLLBACK)));
  }

  @Override
  public List<TargetHealth> targetHealth(String targetGroupArn) throws AwsException {
    var r = call("ELBv2 DescribeTargetHealth", () -> elb.describeTargetHealth(b -> b.targetGroupArn(targetGroupArn)));
    List<TargetHealth> out = new ArrayList<>();
    r.targetHealthDescriptions().forEach(d -> out.add(new TargetHealth(
        d.target().id(), d.target().port(), d.targetHealth().stateAsString(), d.targetHealth().reasonAsString(),
        d.targetHealth().description())));
    return out;
  }

  private static ServiceView view(Service s) {
    List<DeploymentView> deployments = new ArrayList<>();
    for (Deployment d : s.deployments()) {
      deployments.add(new DeploymentView(d.id(), d.status(), d.taskDefinition(), n(d.desiredCount()),
          n(d.runningCount()), n(d.pendingCount()), n(d.failedTasks()), d.rolloutStateAsString(),
          d.rolloutStateReason(), d.createdAt(), d.updatedAt()));
    }
    List<ServiceEvent> events = new ArrayList<>();
    s.events().forEach(e -> events.add(new ServiceEvent(e.id(), e.createdAt(), e.message())));
    List<LoadBalancerView> lbs = new ArrayList<>();
    s.loadBalancers().forEach(lb -> lbs.add(new LoadBalancerView(lb.targetGroupArn(), lb.containerName(),
        lb.containerPort(), lb.advancedConfiguration() != null)));
    ObjectNode config = s.deploymentConfiguration() == null
        ? SdkJson.of(DeploymentConfiguration.builder().build()) : SdkJson.of(s.deploymentConfiguration());
    return new ServiceView(s.serviceArn(), s.serviceName(), s.clusterArn(), s.status(), n(s.desiredCount()),
        n(s.runningCount()), n(s.pendingCount()), s.taskDefinition(),
        s.deploymentController() == null ? "ECS" : s.deploymentController().typeAsString(), config, deployments,
        events, lbs, s.currentServiceDeployment());
  }

  private static TaskDefinitionView view(TaskDefinition td) {
    List<ContainerView> containers = new ArrayList<>();
    td.containerDefinitions().forEach(c -> containers.add(new ContainerView(c.name(), c.image())));
    return new TaskDefinitionView(td.taskDefinitionArn(), td.family(), n(td.revision()), containers);
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  private static <T> T call(String what, Supplier<T> action) throws AwsException {
    try {
      return action.get();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "Unknown" : e.awsErrorDetails().errorCode();
      String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      throw new AwsException(code, what + " failed: " + code + ": " + message + " (HTTP " + e.statusCode()
          + ", after " + (e.numAttempts() == null ? 1 : e.numAttempts()) + " attempt(s))", e);
    } catch (SdkException e) {
      throw new AwsException("ClientError", what + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    ecs.close();
    sts.close();
    elb.close();
    iam.close();
    cloudWatchClient.close();
    if (roleSts != null) {
      roleSts.close();
    }
    if (credentials instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing a credentials cache cannot fail in a way the deployment cares about
      }
    }
    http.close();
  }
}
