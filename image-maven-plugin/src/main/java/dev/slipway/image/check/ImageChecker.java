package dev.slipway.image.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.image.sbom.ResolvedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Evaluates the image:check rules against a resolved image. Pure: it reads only the image configs and manifests,
 * so every rule is unit-testable on hand-made images. Secret values found in the environment are never put in a
 * message; only the variable's name is.
 */
public final class ImageChecker {
  /** Names that suggest a secret: {@code *PASSWORD*}, {@code *SECRET*}, {@code *TOKEN*}, {@code *KEY*}. */
  private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|KEY).*");
  /** Names that hold where a secret is, not the secret itself. */
  private static final Pattern REFERENCE_NAME = Pattern.compile("(?i).*_(FILE|PATH|DIR|ARN|URL|ID)$");

  public CheckReport check(String imageName, ResolvedImage image, CheckConfig config) {
    List<CheckReport.Result> results = new ArrayList<>();
    for (ResolvedImage.Platform p : image.platforms()) {
      JsonNode rc = p.runtimeConfig();
      results.add(nonRoot(p, rc, config));
      results.add(maxSize(p, config));
      results.add(labels(p, rc, config));
      results.add(secretEnv(p, rc, config));
      results.add(ports(p, rc, config));
    }
    results.add(platforms(image, config));
    results.add(basePinned(config));
    boolean passed = results.stream()
        .noneMatch(r -> r.status() == CheckReport.Status.FAIL && r.severity() == Severity.ERROR);
    return new CheckReport(1, imageName, image.digest(), passed, results);
  }

  private static CheckReport.Result result(Rule rule, CheckConfig config, String platform, boolean ok,
      String message) {
    Severity s = config.severities().getOrDefault(rule, rule.defaultSeverity());
    if (s == Severity.OFF) {
      return new CheckReport.Result(rule.id(), s, CheckReport.Status.SKIPPED, platform, "rule is off");
    }
    return new CheckReport.Result(rule.id(), s, ok ? CheckReport.Status.PASS : CheckReport.Status.FAIL, platform,
        message);
  }

  static CheckReport.Result nonRoot(ResolvedImage.Platform p, JsonNode rc, CheckConfig config) {
    String user = rc.path("User").asText("").strip();
    String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
    boolean root = name.isEmpty() || name.equals("root") || name.equals("0");
    String message = root
        ? (user.isEmpty() ? "no USER is set, so the container runs as root" : "USER is '" + user + "' (root)")
            + "; set image.user to a non-root uid such as 65532"
        : "runs as '" + user + "'";
    return result(Rule.NON_ROOT, config, p.id(), !root, message);
  }

  static CheckReport.Result maxSize(ResolvedImage.Platform p, CheckConfig config) {
    long size = p.compressedSize();
    boolean ok = size <= config.maxSizeBytes();
    return result(Rule.MAX_SIZE, config, p.id(), ok, "compressed size " + ByteSize.format(size)
        + (ok ? " <= " : " exceeds ") + ByteSize.format(config.maxSizeBytes()) + " (image.check.maxSize)");
  }

  static CheckReport.Result labels(ResolvedImage.Platform p, JsonNode rc, CheckConfig config) {
    List<String> missing = new ArrayList<>();
    for (String label : config.requiredLabels()) {
      if (rc.path("Labels").path(label).asText("").isBlank()) {
        missing.add(label);
      }
    }
    return result(Rule.REQUIRED_LABELS, config, p.id(), missing.isEmpty(), missing.isEmpty()
        ? config.requiredLabels().size() + " required labels present"
        : "missing labels " + missing + " (set them with image.labels or remove them from "
            + "image.check.requiredLabels)");
  }

  static CheckReport.Result secretEnv(ResolvedImage.Platform p, JsonNode rc, CheckConfig config) {
    List<String> suspicious = new ArrayList<>();
    for (JsonNode e : rc.path("Env")) {
      String entry = e.asText();
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq);
      String value = eq < 0 ? "" : entry.substring(eq + 1);
      if (SECRET_NAME.matcher(name).matches() && !REFERENCE_NAME.matcher(name).matches() && looksLiteral(value)) {
        suspicious.add(name);
      }
    }
    return result(Rule.NO_SECRET_ENV, config, p.id(), suspicious.isEmpty(), suspicious.isEmpty()
        ? "no environment variable looks like a literal secret"
        : "environment variables " + suspicious + " carry a literal value that looks like a secret (value not "
            + "shown); inject secrets at run time (ECS secrets, a mounted file) instead of baking them in");
  }

  private static boolean looksLiteral(String value) {
    String v = value.strip();
    return !v.isEmpty() && !v.startsWith("/") && !v.startsWith("file:") && !v.startsWith("arn:")
        && !v.startsWith("${") && !v.startsWith("$(");
  }

  static CheckReport.Result ports(ResolvedImage.Platform p, JsonNode rc, CheckConfig config) {
    Set<String> declared = new TreeSet<>();
    Iterator<String> names = rc.path("ExposedPorts").fieldNames();
    names.forEachRemaining(declared::add);
    if (config.ports().isEmpty()) {
      return result(Rule.PORTS, config, p.id(), !declared.isEmpty(), declared.isEmpty()
          ? "the image declares no port (set image.ports, or turn the rule off for a worker: "
              + "image.check.severities=ports=off)"
          : "declares " + declared);
    }
    Set<String> expected = new TreeSet<>();
    for (String port : config.ports()) {
      String p0 = port.strip().toLowerCase(Locale.ROOT);
      if (p0.isEmpty()) {
        continue;
      }
      String protocol = p0.contains("/") ? p0.substring(p0.indexOf('/')) : "/tcp";
      String number = p0.contains("/") ? p0.substring(0, p0.indexOf('/')) : p0;
      if (number.matches("\\d+-\\d+")) {
        int from = Integer.parseInt(number.substring(0, number.indexOf('-')));
        int to = Integer.parseInt(number.substring(number.indexOf('-') + 1));
        for (int i = from; i <= to && i - from < 1024; i++) {
          expected.add(i + protocol);
        }
      } else {
        expected.add(number + protocol);
      }
    }
    boolean ok = declared.equals(expected);
    return result(Rule.PORTS, config, p.id(), ok, ok ? "declares " + declared
        : "declares " + declared + " but image.check.ports expects " + expected);
  }

  static CheckReport.Result platforms(ResolvedImage image, CheckConfig config) {
    Set<String> present = new TreeSet<>();
    image.platforms().forEach(p -> present.add(p.id()));
    List<String> missing = new ArrayList<>();
    for (String requested : config.platforms()) {
      String r = requested.strip();
      if (!r.isEmpty() && !present.contains(r)) {
        missing.add(r);
      }
    }
    return result(Rule.PLATFORMS, config, null, missing.isEmpty(), missing.isEmpty()
        ? "platforms " + present : "requested platforms " + missing + " are missing; the image has " + present);
  }

  static CheckReport.Result basePinned(CheckConfig config) {
    String base = config.baseImage();
    if (base == null || base.isBlank() || base.equals("scratch")) {
      return result(Rule.BASE_PINNED, config, null, true,
          base == null || base.isBlank() ? "no base image recorded" : "built FROM scratch");
    }
    boolean pinned = base.contains("@sha256:");
    return result(Rule.BASE_PINNED, config, null, pinned, pinned ? "base " + base + " is pinned by digest"
        : "base " + base + " is referenced by tag, which can move: use image.from=" + stripTag(base)
            + "@sha256:<digest> (image.json records the digest it resolved to)");
  }

  private static String stripTag(String ref) {
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    return colon > slash ? ref.substring(0, colon) : ref;
  }
}
