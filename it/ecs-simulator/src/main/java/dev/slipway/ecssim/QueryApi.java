package dev.slipway.ecssim;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** STS and ELBv2, both awsQuery: form-encoded parameters in, XML out. */
final class QueryApi {
  private static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
  private static final String ELB_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
  private static final String IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Scenario scenario;
  private final EcsModel model;
  private final SimClock clock;
  private final java.util.function.Predicate<String> denied;
  /** Temporary access key ids handed out by AssumeRole, to the role session they belong to. */
  private final Map<String, String> sessions = new LinkedHashMap<>();

  QueryApi(Scenario scenario, EcsModel model, SimClock clock, java.util.function.Predicate<String> denied) {
    this.scenario = scenario;
    this.model = model;
    this.clock = clock;
    this.denied = denied;
  }

  static String serviceOf(String action) {
    return switch (action) {
      case "GetCallerIdentity", "AssumeRole", "GetSessionToken" -> "sts";
      case "SimulatePrincipalPolicy" -> "iam";
      default -> "elasticloadbalancing";
    };
  }

  String handle(String action, Map<String, String> params, String accessKeyId) {
    model.advance();
    String requestId = java.util.UUID.randomUUID().toString();
    StringBuilder x = new StringBuilder();
    switch (action) {
      case "GetCallerIdentity" -> {
        String arn = sessions.getOrDefault(accessKeyId, scenario.callerArn);
        x.append("<GetCallerIdentityResponse xmlns=\"").append(STS_NS).append("\"><GetCallerIdentityResult>")
            .append("<Arn>").append(esc(arn)).append("</Arn>")
            .append("<UserId>AIDASIMULATORUSER01</UserId>")
            .append("<Account>").append(esc(scenario.account)).append("</Account>")
            .append("</GetCallerIdentityResult>");
        meta(x, requestId).append("</GetCallerIdentityResponse>");
      }
      case "AssumeRole" -> {
        String role = params.get("RoleArn");
        String session = params.getOrDefault("RoleSessionName", "session");
        if (role == null || !role.matches("arn:aws:iam::\\d{12}:role/.+")) {
          throw new AwsError(400, "ValidationError", "RoleArn is not a valid role ARN: " + role);
        }
        String akid = "ASIA" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
        String assumed = role.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/" + session;
        sessions.put(akid, assumed);
        Instant exp = Instant.ofEpochMilli(clock.nowMillis()).plusSeconds(3600);
        x.append("<AssumeRoleResponse xmlns=\"").append(STS_NS).append("\"><AssumeRoleResult>")
            .append("<Credentials><AccessKeyId>").append(akid).append("</AccessKeyId>")
            .append("<SecretAccessKey>").append(random("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40))
            .append("</SecretAccessKey><SessionToken>SIMSESSION")
            .append(random("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 120))
            .append("</SessionToken><Expiration>").append(exp).append("</Expiration></Credentials>")
            .append("<AssumedRoleUser><AssumedRoleId>AROASIMULATOR:").append(esc(session))
            .append("</AssumedRoleId><Arn>").append(esc(assumed)).append("</Arn></AssumedRoleUser>")
            .append("</AssumeRoleResult>");
        meta(x, requestId).append("</AssumeRoleResponse>");
      }
      case "DescribeTargetHealth" -> {
        String tg = params.get("TargetGroupArn");
        Scenario.TargetGroup spec = scenario.targetGroups.stream()
            .filter(t -> t.arn != null && t.arn.equals(tg)).findFirst().orElse(null);
        if (spec == null) {
          throw new AwsError(400, "TargetGroupNotFound", "One or more target groups not found");
        }
        x.append("<DescribeTargetHealthResponse xmlns=\"").append(ELB_NS).append("\"><DescribeTargetHealthResult>")
            .append("<TargetHealthDescriptions>");
        for (EcsModel.Target t : model.targets(tg, spec)) {
          x.append("<member><Target><Id>").append(esc(t.id())).append("</Id><Port>").append(t.port())
              .append("</Port></Target>")
              .append("<HealthCheckPort>").append(t.port()).append("</HealthCheckPort>")
              .append("<TargetHealth><State>").append(esc(t.state())).append("</State>");
          if (t.reason() != null) {
            int colon = t.reason().indexOf(':');
            x.append("<Reason>").append(esc(colon < 0 ? t.reason() : t.reason().substring(0, colon)))
                .append("</Reason>")
                .append("<Description>").append(esc(colon < 0 ? "Health checks failed" : t.reason()
                    .substring(colon + 1).strip())).append("</Description>");
          }
          x.append("</TargetHealth></member>");
        }
        x.append("</TargetHealthDescriptions></DescribeTargetHealthResult>");
        meta(x, requestId).append("</DescribeTargetHealthResponse>");
      }
      case "DescribeTargetGroups" -> {
        x.append("<DescribeTargetGroupsResponse xmlns=\"").append(ELB_NS).append("\"><DescribeTargetGroupsResult>")
            .append("<TargetGroups>");
        for (Map.Entry<String, String> p : params.entrySet()) {
          if (!p.getKey().startsWith("TargetGroupArns.member.")) {
            continue;
          }
          Scenario.TargetGroup tg = scenario.targetGroups.stream()
              .filter(t -> p.getValue().equals(t.arn)).findFirst()
              .orElseThrow(() -> new AwsError(400, "TargetGroupNotFound", "One or more target groups not found"));
          String name = tg.arn.replaceAll(".*:targetgroup/([^/]+)/.*", "$1");
          x.append("<member><TargetGroupArn>").append(esc(tg.arn)).append("</TargetGroupArn>")
              .append("<TargetGroupName>").append(esc(name)).append("</TargetGroupName>")
              .append("<Protocol>HTTP</Protocol><Port>80</Port><TargetType>ip</TargetType><LoadBalancerArns>");
          if (tg.loadBalancerArn != null) {
            x.append("<member>").append(esc(tg.loadBalancerArn)).append("</member>");
          }
          x.append("</LoadBalancerArns></member>");
        }
        x.append("</TargetGroups></DescribeTargetGroupsResult>");
        meta(x, requestId).append("</DescribeTargetGroupsResponse>");
      }
      case "SimulatePrincipalPolicy" -> {
        // the scenario's caller is the only principal; its policy allows everything the scenario does not deny
        x.append("<SimulatePrincipalPolicyResponse xmlns=\"").append(IAM_NS).append("\">")
            .append("<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>");
        for (Map.Entry<String, String> p : params.entrySet()) {
          if (!p.getKey().startsWith("ActionNames.member.")) {
            continue;
          }
          String decision = denied.test(p.getValue()) ? "implicitDeny" : "allowed";
          x.append("<member><EvalActionName>").append(esc(p.getValue())).append("</EvalActionName>")
              .append("<EvalResourceName>*</EvalResourceName><EvalDecision>").append(decision)
              .append("</EvalDecision><MatchedStatements/><MissingContextValues/></member>");
        }
        x.append("</EvaluationResults></SimulatePrincipalPolicyResult>");
        meta(x, requestId).append("</SimulatePrincipalPolicyResponse>");
      }
      default -> throw new AwsError(400, "InvalidAction", "The simulator does not implement " + action + ".");
    }
    return x.toString();
  }

  static String error(AwsError e, String action) {
    String ns = switch (serviceOf(action)) {
      case "sts" -> STS_NS;
      case "iam" -> IAM_NS;
      default -> ELB_NS;
    };
    return "<ErrorResponse xmlns=\"" + ns + "\"><Error><Type>" + (e.status() >= 500 ? "Receiver" : "Sender")
        + "</Type><Code>" + esc(e.code()) + "</Code><Message>" + esc(e.getMessage()) + "</Message></Error>"
        + "<RequestId>" + java.util.UUID.randomUUID() + "</RequestId></ErrorResponse>";
  }

  private static StringBuilder meta(StringBuilder x, String requestId) {
    return x.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata>");
  }

  private static String random(String alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
