package dev.slipway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The site's IAM policy page ({@code src/site/markdown/iam-policy.md}) against the calls the deploy plugin's code makes
 * on AWS SDK clients: a new call without its policy line fails here, and so does a policy line no code needs any more.
 * The calls are found in the sources (a field, parameter or local typed as an SDK {@code *Client}, then
 * {@code name.operation(}), so the page is checked against what the code does, not against a second hand-kept list.
 */
class IamPolicyPageTest {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final Path PAGE = Path.of("../src/site/markdown/iam-policy.md");

  /** IAM service prefixes of the SDK's client packages ({@code software.amazon.awssdk.services.<package>}). */
  private static final Map<String, String> PREFIXES = Map.of(
      "ecs", "ecs",
      "sts", "sts",
      "elasticloadbalancingv2", "elasticloadbalancing",
      "iam", "iam",
      "cloudwatch", "cloudwatch",
      "kms", "kms");

  /** Client methods that are not AWS operations. */
  private static final Set<String> NOT_OPERATIONS = Set.of("close", "serviceName", "serviceClientConfiguration",
      "waiter", "utilities");

  /** Operations AWS answers for any identity: no policy line is needed (or possible to deny). */
  private static final Set<String> NEED_NO_PERMISSION = Set.of("sts:GetCallerIdentity");

  /**
   * Permissions that no SDK call names but that AWS checks during one: each keyed by the call that needs it. When the
   * call goes away, so must the policy line (the test fails on a granted action nothing needs).
   */
  private static final Map<String, String> IMPLIED = Map.of(
      // RegisterTaskDefinition with taskRoleArn/executionRoleArn: passing a role to ECS tasks
      "iam:PassRole", "ecs:RegisterTaskDefinition",
      // RegisterTaskDefinition with tags (the task definition's own, kept on the new revision): tag-on-create
      "ecs:TagResource", "ecs:RegisterTaskDefinition");

  /** A credentials provider that calls STS on the base identity's behalf (deploy.roleArn). */
  private static final Map<String, String> PROVIDERS = Map.of("StsAssumeRoleCredentialsProvider", "sts:AssumeRole");

  private static final Pattern CLIENT_IMPORT =
      Pattern.compile("software\\.amazon\\.awssdk\\.services\\.(\\w+)\\.(\\w+Client)\\b");
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

  @Test
  void thePagesPolicyGrantsExactlyWhatTheDeployCodeCalls() throws IOException {
    Set<String> called = actionsCalledIn(sourcesOf(SOURCES));
    // the scan itself must see the calls that every deployment makes, or it found nothing and proves nothing
    assertThat(called).contains("ecs:UpdateService", "ecs:RegisterTaskDefinition", "cloudwatch:GetMetricData",
        "elasticloadbalancing:DescribeTargetHealth", "sts:AssumeRole");

    Set<String> needed = needed(called);
    Set<String> granted = grantedBy(Files.readString(PAGE));

    Set<String> missing = new TreeSet<>(needed);
    missing.removeAll(granted);
    Set<String> unused = new TreeSet<>(granted);
    unused.removeAll(needed);
    assertThat(missing).as("actions the deploy code calls that %s does not grant: add them to its policy (and to "
        + "the table saying what they are for)", PAGE).isEmpty();
    assertThat(unused).as("actions %s grants that no deploy code calls: remove them, least privilege", PAGE)
        .isEmpty();
  }

  @Test
  void aNewCallWithoutItsPolicyLineIsFound() throws IOException {
    Map<String, String> sources = new HashMap<>(sourcesOf(SOURCES));
    // what a new status feature might add: the running tasks of the service
    sources.put("Added.java", """
        import software.amazon.awssdk.services.ecs.EcsClient;
        class Added {
          private final EcsClient ecsClient;
          void tasks() { ecsClient.listTasks(b -> b.cluster("c")); ecsClient.close(); }
        }
        """);
    Set<String> needed = needed(actionsCalledIn(sources));
    Set<String> granted = grantedBy(Files.readString(PAGE));
    assertThat(needed).contains("ecs:ListTasks").doesNotContain("ecs:Close");
    assertThat(granted).doesNotContain("ecs:ListTasks");
  }

  @Test
  void aGrantNoCodeNeedsIsFound() throws IOException {
    String page = Files.readString(PAGE).replace("\"ecs:DescribeClusters\"", "[\"ecs:DescribeClusters\", \"ecs:*\"]");
    assertThat(grantedBy(page)).contains("ecs:*");
    assertThat(needed(actionsCalledIn(sourcesOf(SOURCES)))).doesNotContain("ecs:*");
  }

  /** {@code ecs:UpdateService} for {@code ecs.updateService(} on a variable typed {@code EcsClient}. */
  static Set<String> actionsCalledIn(Map<String, String> sources) {
    Set<String> actions = new TreeSet<>();
    sources.forEach((file, text) -> {
      Map<String, String> clientTypes = new TreeMap<>();
      Matcher imports = CLIENT_IMPORT.matcher(text);
      while (imports.find()) {
        String prefix = PREFIXES.get(imports.group(1));
        if (prefix == null) {
          throw new AssertionError(file + " uses the AWS SDK's " + imports.group(1) + " client: add its IAM "
              + "service prefix to " + IamPolicyPageTest.class.getSimpleName() + ".PREFIXES");
        }
        clientTypes.put(imports.group(2), prefix);
      }
      clientTypes.forEach((type, prefix) -> {
        // fields, parameters and locals of that type, simple or fully qualified
        Matcher vars = Pattern.compile("\\b" + type + "\\s+(\\w+)\\s*[;=,)]").matcher(text);
        while (vars.find()) {
          Matcher calls = Pattern.compile("\\b" + vars.group(1) + "\\s*\\.\\s*(\\w+)\\s*\\(").matcher(text);
          while (calls.find()) {
            String method = calls.group(1);
            if (!NOT_OPERATIONS.contains(method)) {
              actions.add(prefix + ":" + Character.toUpperCase(method.charAt(0)) + method.substring(1));
            }
          }
        }
      });
      PROVIDERS.forEach((provider, action) -> {
        if (Pattern.compile("\\b" + provider + "\\s*\\.\\s*builder\\s*\\(").matcher(text).find()) {
          actions.add(action);
        }
      });
    });
    return actions;
  }

  static Set<String> needed(Set<String> called) {
    Set<String> needed = new TreeSet<>(called);
    needed.removeAll(NEED_NO_PERMISSION);
    IMPLIED.forEach((action, by) -> {
      if (called.contains(by)) {
        needed.add(action);
      }
    });
    return needed;
  }

  /**
   * Every action allowed by the identity policies in the page's {@code json} blocks; trust policies (statements with
   * a {@code Principal}) say who may assume a role, not what it may do, and are left out.
   */
  static Set<String> grantedBy(String page) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Set<String> granted = new TreeSet<>();
    Matcher blocks = JSON_BLOCK.matcher(page);
    int policies = 0;
    while (blocks.find()) {
      JsonNode doc = json.readTree(blocks.group(1));
      if (!doc.has("Statement")) {
        continue;
      }
      policies++;
      for (JsonNode statement : doc.get("Statement")) {
        if (statement.has("Principal") || !"Allow".equals(statement.path("Effect").asText())) {
          continue;
        }
        JsonNode action = statement.get("Action");
        if (action.isArray()) {
          action.forEach(a -> granted.add(a.asText()));
        } else {
          granted.add(action.asText());
        }
      }
    }
    assertThat(policies).as("IAM policies (```json blocks with a Statement) in the page").isPositive();
    return granted;
  }

  private static Map<String, String> sourcesOf(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
        try {
          out.put(root.relativize(f).toString(), Files.readString(f));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return out;
  }
}
