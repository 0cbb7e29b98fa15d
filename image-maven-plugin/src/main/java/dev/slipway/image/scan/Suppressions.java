package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.slipway.common.InvalidInputException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accepted findings: Slipway's suppression file and Trivy's {@code .trivyignore.yaml}.
 *
 * <p>Slipway's file (YAML or JSON) lists {@code suppressions}, each with a vulnerability {@code id}, a
 * {@code reason} and an {@code expires} date ({@code YYYY-MM-DD}), all three required, and optionally the
 * {@code packages} (names), {@code purls}, {@code paths} (globs over the target or package path) and
 * {@code platforms} ({@code linux/arm64}) it is limited to:
 *
 * <pre>
 * suppressions:
 *   - id: CVE-2019-1549
 *     reason: the service never forks, so the RNG state is never shared
 *     expires: 2026-06-30
 *     packages: [libcrypto1.1, libssl1.1]
 * </pre>
 *
 * <p>Trivy's file is read as Trivy reads it: {@code vulnerabilities} entries with {@code id} and optional
 * {@code paths}, {@code purls}, {@code statement} (the reason) and {@code expired_at}. Both follow Trivy's expiry rule:
 * a date is midnight UTC, and from then on the entry no longer suppresses. An expired entry is kept (reports name
 * it), it just stops matching.
 */
public final class Suppressions {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> FIELDS = Set.of("id", "reason", "expires", "packages", "purls", "paths", "platforms");

  /**
   * One entry.
   *
   * @param reason why the finding is accepted (Trivy's {@code statement}); null only in Trivy's file
   * @param expires the expiry as written; null only in Trivy's file
   * @param expiresAt the instant from which it no longer suppresses; null: never
   * @param where file and JSON pointer of the entry, for reports and errors
   */
  public record Suppression(String id, String reason, String expires, Instant expiresAt, List<String> packages,
      List<PackageURL> purls, List<String> paths, List<String> platforms, String where) {

    public Suppression {
      packages = List.copyOf(packages);
      purls = List.copyOf(purls);
      paths = List.copyOf(paths);
      platforms = List.copyOf(platforms);
    }

    public boolean expired(Instant now) {
      return expiresAt != null && now.isAfter(expiresAt);
    }

    /** Whether this entry covers {@code f} (its expiry aside). */
    public boolean covers(Finding f) {
      if (!id.equalsIgnoreCase(f.vulnerabilityId())) {
        return false;
      }
      if (!packages.isEmpty() && !packages.contains(f.pkgName())) {
        return false;
      }
      if (!platforms.isEmpty() && !platforms.contains(f.platform())) {
        return false;
      }
      if (!paths.isEmpty() && !matchesPath(f.target()) && !matchesPath(f.pkgPath())) {
        return false;
      }
      return purls.isEmpty() || purls.stream().anyMatch(p -> purlMatches(p, f.purl()));
    }

    private boolean matchesPath(String path) {
      if (path == null || path.isEmpty()) {
        return false;
      }
      for (String pattern : paths) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        if (m.matches(Path.of(path))) {
          return true;
        }
      }
      return false;
    }
  }

  private Suppressions() {}

  /** Slipway's file and/or Trivy's (either may be null). */
  public static List<Suppression> load(Path ours, Path trivyIgnore) throws InvalidInputException {
    List<Suppression> out = new ArrayList<>();
    if (ours != null) {
      out.addAll(readOurs(ours));
    }
    if (trivyIgnore != null) {
      out.addAll(readTrivy(trivyIgnore));
    }
    return out;
  }

  static List<Suppression> readOurs(Path file) throws InvalidInputException {
    JsonNode root = parse(file);
    JsonNode list = root.path("suppressions");
    if (!root.isObject() || !list.isArray()) {
      throw new InvalidInputException(file + ": /suppressions: expected a list of entries with id, reason and "
          + "expires (YYYY-MM-DD)");
    }
    List<Suppression> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      String at = "/suppressions/" + i;
      if (!e.isObject()) {
        throw new InvalidInputException(file + ": " + at + ": expected an entry with id, reason and expires");
      }
      for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!FIELDS.contains(name)) {
          throw new InvalidInputException(file + ": " + at + "/" + name + ": unknown field; accepted: id, reason, "
              + "expires, packages, purls, paths, platforms");
        }
      }
      String id = required(e, "id", file, at);
      String reason = required(e, "reason", file, at);
      String expires = required(e, "expires", file, at);
      Instant expiresAt;
      try {
        expiresAt = LocalDate.parse(expires).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException ex) {
        throw new InvalidInputException(file + ": " + at + "/expires: '" + expires + "' is not a date (YYYY-MM-DD)");
      }
      out.add(new Suppression(id, reason, expires, expiresAt, strings(e, "packages", file, at),
          purls(e, file, at), strings(e, "paths", file, at), strings(e, "platforms", file, at),
          file.getFileName() + "#" + at));
    }
    return out;
  }

  static List<Suppression> readTrivy(Path file) throws InvalidInputException {
    JsonNode root = parse(file);
    if (root.isMissingNode() || root.isNull()) {
      return List.of();
    }
    JsonNode list = root.path("vulnerabilities");
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new InvalidInputException(file + ": /vulnerabilities: expected a list of entries with an id");
    }
    List<Suppression> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      String at = "/vulnerabilities/" + i;
      String id = required(e, "id", file, at);
      String expires = e.hasNonNull("expired_at") ? e.get("expired_at").asText() : null;
      Instant expiresAt = null;
      if (expires != null) {
        try {
          expiresAt = expires.length() == 10 ? LocalDate.parse(expires).atStartOfDay(ZoneOffset.UTC).toInstant()
              : OffsetDateTime.parse(expires).toInstant();
        } catch (DateTimeParseException ex) {
          throw new InvalidInputException(file + ": " + at + "/expired_at: '" + expires + "' is not a date "
              + "(YYYY-MM-DD) or an RFC 3339 time");
        }
      }
      String statement = e.hasNonNull("statement") ? e.get("statement").asText() : null;
      out.add(new Suppression(id, statement, expires, expiresAt, List.of(), purls(e, file, at),
          strings(e, "paths", file, at), List.of(), file.getFileName() + "#" + at));
    }
    return out;
  }

  private static JsonNode parse(Path file) throws InvalidInputException {
    try {
      JsonNode n = YAML.readTree(Files.readAllBytes(file));
      return n == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      throw new InvalidInputException(file + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
          + ": not YAML (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static String required(JsonNode e, String field, Path file, String at) throws InvalidInputException {
    JsonNode v = e.get(field);
    if (v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()) {
      throw new InvalidInputException(file + ": " + at + "/" + field + ": missing (every suppression needs id, "
          + "reason and expires: YYYY-MM-DD)");
    }
    return v.asText().strip();
  }

  private static List<String> strings(JsonNode e, String field, Path file, String at) throws InvalidInputException {
    JsonNode v = e.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isValueNode()) {
      return List.of(v.asText());
    }
    if (!v.isArray()) {
      throw new InvalidInputException(file + ": " + at + "/" + field + ": expected a list of strings");
    }
    List<String> out = new ArrayList<>();
    v.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static List<PackageURL> purls(JsonNode e, Path file, String at) throws InvalidInputException {
    List<PackageURL> out = new ArrayList<>();
    List<String> texts = strings(e, "purls", file, at);
    for (int i = 0; i < texts.size(); i++) {
      try {
        out.add(new PackageURL(texts.get(i)));
      } catch (MalformedPackageURLException ex) {
        throw new InvalidInputException(file + ": " + at + "/purls/" + i + ": '" + texts.get(i)
            + "' is not a package URL (" + ex.getMessage() + ")");
      }
    }
    return out;
  }

  /**
   * Trivy's rule: type, namespace and name equal; the version, when the constraint has one, equal; every qualifier
   * of the constraint present in the target with the same value.
   */
  static boolean purlMatches(PackageURL constraint, String target) {
    if (target == null || target.isEmpty()) {
      return false;
    }
    PackageURL t;
    try {
      t = new PackageURL(target);
    } catch (MalformedPackageURLException e) {
      return false;
    }
    if (!constraint.getType().equals(t.getType()) || !eq(constraint.getNamespace(), t.getNamespace())
        || !constraint.getName().equals(t.getName())) {
      return false;
    }
    if (constraint.getVersion() != null && !constraint.getVersion().equals(t.getVersion())) {
      return false;
    }
    Map<String, String> cq = constraint.getQualifiers();
    Map<String, String> tq = t.getQualifiers();
    if (cq != null) {
      for (Map.Entry<String, String> q : cq.entrySet()) {
        if (tq == null || !q.getValue().equals(tq.get(q.getKey()))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean eq(String a, String b) {
    return a == null ? b == null || b.isEmpty() : a.equals(b);
  }
}
