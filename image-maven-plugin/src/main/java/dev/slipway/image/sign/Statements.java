package dev.slipway.image.sign;

import java.util.Optional;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.git.GitInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.registry.Digests;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** in-toto Statements (v1) about an image digest, and the SLSA provenance v1 predicate Slipway records. */
public final class Statements {
  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  public static final String CYCLONEDX = "https://cyclonedx.org/bom";
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
  public static final String BUILD_TYPE = "https://slipway.dev/image-maven-plugin/build/v1";
  /** cosign v3's predicate type for an image signature: the statement itself is what is signed. */
  public static final String COSIGN_SIGN_V1 = "https://sigstore.dev/cosign/sign/v1";

  /** What the build knows about how the image was made; any field may be null when unknown. */
  public record Provenance(
      String builderId,
      String invocationId,
      String gitRepository,
      String gitCommit,
      String gitRef,
      String baseImageReference,
      String baseImageDigest,
      String groupId,
      String artifactId,
      String version,
      List<String> goals,
      Map<String, String> environment,
      Instant startedOn,
      Instant finishedOn,
      String slipwayVersion) {

    /**
     * Provenance for a build: in GitHub Actions the builder is the workflow and the invocation the run attempt;
     * elsewhere a local Maven builder with the git remote and branch. {@code environment} entries with a null value
     * are dropped.
     */
    public static Provenance of(Optional<GitInfo> git, Map<String, String> env, BuiltImage built, String groupId,
        String artifactId, String version, List<String> goals, Map<String, String> environment, Instant startedOn,
        Instant finishedOn, String slipwayVersion) {
      String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
      String builderId = env.get("GITHUB_WORKFLOW_REF") != null ? server + "/" + env.get("GITHUB_WORKFLOW_REF")
          : "https://slipway.dev/builders/maven-local";
      String invocation = env.get("GITHUB_RUN_ID") != null && env.get("GITHUB_REPOSITORY") != null
          ? server + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/" + env.get("GITHUB_RUN_ID")
              + "/attempts/" + env.getOrDefault("GITHUB_RUN_ATTEMPT", "1")
          : null;
      String repo = env.get("GITHUB_REPOSITORY") != null ? server + "/" + env.get("GITHUB_REPOSITORY")
          : git.map(GitInfo::remoteUrl).orElse(null);
      String gitRef = env.get("GITHUB_REF") != null ? env.get("GITHUB_REF")
          : git.map(g -> g.branch() == null ? null : "refs/heads/" + g.branch()).orElse(null);
      Map<String, String> internal = new java.util.LinkedHashMap<>(environment);
      internal.values().removeIf(java.util.Objects::isNull);
      BuiltImage.Base base = built == null ? null : built.baseImage();
      return new Provenance(builderId, invocation, repo, git.map(GitInfo::commit).orElse(null), gitRef,
          base == null ? null : base.reference(), base == null ? null : base.digest(), groupId, artifactId, version,
          goals, internal, startedOn, finishedOn, slipwayVersion);
    }
  }

  private Statements() {}

  /** A Statement with one subject ({@code name} at {@code digest}) and the given predicate. */
  public static byte[] statement(String name, String digest, String predicateType, JsonNode predicate) {
    ObjectNode st = Json.mapper().createObjectNode();
    st.put("_type", STATEMENT_TYPE);
    ObjectNode subject = st.putArray("subject").addObject();
    subject.put("name", name);
    subject.putObject("digest").put("sha256", Digests.hex(digest));
    st.put("predicateType", predicateType);
    st.set("predicate", predicate);
    return Dsse.compact(st);
  }

  /**
   * The statement cosign v3 signs in place of the simple-signing payload: subject = the image digest (with the
   * signature annotations as subject annotations, which {@code cosign verify -a} compares), predicate type
   * {@value #COSIGN_SIGN_V1}, empty predicate.
   */
  public static byte[] cosignSignature(String name, String digest, Map<String, String> annotations) {
    ObjectNode st = Json.mapper().createObjectNode();
    st.put("_type", STATEMENT_TYPE);
    ObjectNode subject = st.putArray("subject").addObject();
    subject.put("name", name);
    subject.putObject("digest").put("sha256", Digests.hex(digest));
    if (annotations != null && !annotations.isEmpty()) {
      ObjectNode ann = subject.putObject("annotations");
      new java.util.TreeMap<>(annotations).forEach(ann::put);
    }
    st.put("predicateType", COSIGN_SIGN_V1);
    st.putObject("predicate");
    return Dsse.compact(st);
  }

  public static JsonNode parsePredicate(byte[] json, String source) throws IOException {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new IOException(source + " is not JSON: " + e.getMessage(), e);
    }
  }

  /** The SLSA provenance v1 predicate for {@code p}. */
  public static JsonNode provenance(Provenance p) {
    ObjectNode pred = Json.mapper().createObjectNode();
    ObjectNode def = pred.putObject("buildDefinition");
    def.put("buildType", BUILD_TYPE);
    ObjectNode ext = def.putObject("externalParameters");
    ObjectNode maven = ext.putObject("maven");
    putIf(maven, "groupId", p.groupId());
    putIf(maven, "artifactId", p.artifactId());
    putIf(maven, "version", p.version());
    if (p.goals() != null && !p.goals().isEmpty()) {
      ArrayNode goals = maven.putArray("goals");
      p.goals().forEach(goals::add);
    }
    if (p.gitRepository() != null || p.gitRef() != null) {
      ObjectNode source = ext.putObject("source");
      putIf(source, "repository", p.gitRepository());
      putIf(source, "ref", p.gitRef());
    }
    if (p.environment() != null && !p.environment().isEmpty()) {
      ObjectNode internal = def.putObject("internalParameters");
      p.environment().forEach(internal::put);
    }
    ArrayNode deps = def.putArray("resolvedDependencies");
    if (p.gitCommit() != null) {
      ObjectNode git = deps.addObject();
      String repo = p.gitRepository() == null ? "unknown" : p.gitRepository();
      git.put("uri", "git+" + repo + (p.gitRef() != null ? "@" + p.gitRef() : ""));
      git.putObject("digest").put("gitCommit", p.gitCommit());
    }
    if (p.baseImageReference() != null) {
      ObjectNode base = deps.addObject();
      base.put("uri", "oci://" + p.baseImageReference());
      base.put("name", "base-image");
      if (p.baseImageDigest() != null && Digests.isSha256(p.baseImageDigest())) {
        base.putObject("digest").put("sha256", Digests.hex(p.baseImageDigest()));
      }
    }
    ObjectNode run = pred.putObject("runDetails");
    ObjectNode builder = run.putObject("builder");
    builder.put("id", p.builderId());
    if (p.slipwayVersion() != null) {
      builder.putObject("version").put("slipway", p.slipwayVersion());
    }
    ObjectNode meta = run.putObject("metadata");
    putIf(meta, "invocationId", p.invocationId());
    if (p.startedOn() != null) {
      meta.put("startedOn", p.startedOn().toString());
    }
    if (p.finishedOn() != null) {
      meta.put("finishedOn", p.finishedOn().toString());
    }
    return pred;
  }

  private static void putIf(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
