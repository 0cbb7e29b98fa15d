package dev.slipway.image.registry;

import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.common.registry.RegistryException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OCI 1.1 referrers: attaches artifacts (signatures, SBOMs, attestations) to an image digest and finds them again.
 *
 * <p>An artifact is an OCI image manifest with an {@code artifactType}, the empty config, its blobs as layers and a
 * {@code subject} pointing at the image. Registries without the referrers API (the CNCF distribution registry 2.8,
 * most registries before 2024) do not index the subject, so clients keep an image index under the tag
 * {@code sha256-<hex of the subject>} listing every referrer (the spec's "referrers tag schema"). This class always
 * writes that tag, which is correct for every registry: registries with the API ignore it, clients without the API
 * read it. Updating the tag is read-modify-write; two builds attaching to the same digest at the same instant could
 * lose one entry (the artifact manifest itself stays pushed), which is the spec's documented trade-off. Finding
 * referrers asks the registry's referrers API first, which lists what any tool pushed, and reads the tag only where
 * the registry has no such API.
 */
public final class Referrers {
  /** The {@code {}} blob every artifact manifest uses as its config. */
  public static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  public static final String EMPTY_CONFIG_DIGEST = Digests.sha256(EMPTY_CONFIG);

  /** One blob of an artifact: its media type, content and optional annotations. */
  public record Blob(String mediaType, byte[] content, Map<String, String> annotations) {
    public Blob {
      annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Blob(String mediaType, byte[] content) {
      this(mediaType, content, Map.of());
    }

    public String digest() {
      return Digests.sha256(content);
    }
  }

  /** A manifest as a descriptor: what a subject or a referrers index entry holds. */
  public record Subject(String mediaType, String digest, long size) {}

  /** One entry of the referrers index. */
  public record Referrer(String digest, long size, String artifactType, Map<String, String> annotations) {}

  private final RegistryClient client;
  private final Log log;

  public Referrers(RegistryClient client, Log log) {
    this.client = client;
    this.log = log;
  }

  /** The referrers-tag-schema tag for {@code digest}: {@code sha256-<hex>}. */
  public static String tagFor(String digest) {
    return "sha256-" + Digests.hex(digest);
  }

  /** Looks up the media type and size of the manifest at {@code digest} (the subject of a future artifact). */
  public Subject subject(String digest) throws IOException {
    RegistryClient.Manifest m = client.getManifest(digest);
    if (!m.digest().equals(digest)) {
      throw new RegistryException(
          "registry " + client.registry() + " returned a manifest with digest " + m.digest() + " for " + digest, 200);
    }
    return new Subject(m.mediaType(), digest, m.bytes().length);
  }

  /**
   * Pushes an artifact manifest of {@code artifactType} holding {@code blobs}, with {@code subject} as its subject,
   * and records it in the subject's referrers index. Returns the artifact manifest's digest. Attaching identical
   * content twice yields the same digest and a single index entry.
   */
  public String attach(Subject subject, String artifactType, List<Blob> blobs, Map<String, String> annotations)
      throws IOException {
    client.pushBlob(EMPTY_CONFIG_DIGEST, EMPTY_CONFIG);
    for (Blob blob : blobs) {
      client.pushBlob(blob.digest(), blob.content());
    }
    byte[] manifest = manifest(subject, artifactType, blobs, annotations);
    String digest = client.putManifest(Digests.sha256(manifest), MediaTypes.OCI_MANIFEST, manifest);
    addToIndex(subject.digest(), new Referrer(digest, manifest.length, artifactType, annotations));
    log.info("attached " + artifactType + " " + digest + " to " + client.registry() + "/" + client.repository()
        + "@" + subject.digest());
    return digest;
  }

  /** The referrers of {@code subjectDigest}, all of them if {@code artifactType} is null, else only that type. */
  public List<Referrer> list(String subjectDigest, String artifactType) throws IOException {
    return find(subjectDigest, artifactType).referrers();
  }

  /** Referrers and where they were found: the registry's referrers API or the {@code sha256-<hex>} tag. */
  public record Listing(List<Referrer> referrers, String source) {}

  /**
   * Finds the referrers of {@code subjectDigest} the way OCI 1.1 clients do: the referrers API
   * ({@code GET /v2/<name>/referrers/<digest>}) where the registry has it, which lists what any tool pushed; else the
   * referrers tag schema ({@code sha256-<hex>}), which lists what tools without the API recorded there.
   */
  public Listing find(String subjectDigest, String artifactType) throws IOException {
    Optional<RegistryClient.Manifest> api = client.referrers(subjectDigest);
    if (api.isPresent()) {
      return new Listing(entries(api.get().json(), artifactType), "the referrers API");
    }
    Optional<RegistryClient.Descriptor> head = client.headManifest(tagFor(subjectDigest));
    if (head.isEmpty()) {
      return new Listing(List.of(), "the " + tagFor(subjectDigest) + " tag (absent)");
    }
    return new Listing(entries(client.getManifest(tagFor(subjectDigest)).json(), artifactType),
        "the " + tagFor(subjectDigest) + " tag");
  }

  private static List<Referrer> entries(JsonNode index, String artifactType) {
    List<Referrer> out = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      String type = m.path("artifactType").asText(null);
      if (artifactType != null && !artifactType.equals(type)) {
        continue;
      }
      Map<String, String> ann = new LinkedHashMap<>();
      m.path("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), e.getValue().asText()));
      out.add(new Referrer(m.path("digest").asText(), m.path("size").asLong(), type, ann));
    }
    return out;
  }

  static byte[] manifest(Subject subject, String artifactType, List<Blob> blobs, Map<String, String> annotations)
      throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_MANIFEST);
    root.put("artifactType", artifactType);
    ObjectNode config = root.putObject("config");
    config.put("mediaType", MediaTypes.OCI_EMPTY);
    config.put("digest", EMPTY_CONFIG_DIGEST);
    config.put("size", EMPTY_CONFIG.length);
    ArrayNode layers = root.putArray("layers");
    for (Blob blob : blobs) {
      ObjectNode layer = layers.addObject();
      layer.put("mediaType", blob.mediaType());
      layer.put("digest", blob.digest());
      layer.put("size", blob.content().length);
      putAnnotations(layer, blob.annotations());
    }
    ObjectNode s = root.putObject("subject");
    s.put("mediaType", subject.mediaType());
    s.put("digest", subject.digest());
    s.put("size", subject.size());
    putAnnotations(root, annotations);
    return compact(root);
  }

  private void addToIndex(String subjectDigest, Referrer referrer) throws IOException {
    String tag = tagFor(subjectDigest);
    ObjectNode index;
    if (client.headManifest(tag).isPresent()) {
      index = (ObjectNode) client.getManifest(tag).json();
    } else {
      index = Json.mapper().createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      index.putArray("manifests");
    }
    ArrayNode manifests = index.withArray("manifests");
    for (JsonNode m : manifests) {
      if (referrer.digest().equals(m.path("digest").asText())) {
        return;
      }
    }
    ObjectNode entry = manifests.addObject();
    entry.put("mediaType", MediaTypes.OCI_MANIFEST);
    entry.put("digest", referrer.digest());
    entry.put("size", referrer.size());
    entry.put("artifactType", referrer.artifactType());
    putAnnotations(entry, referrer.annotations());
    client.putManifest(tag, MediaTypes.OCI_INDEX, compact(index));
  }

  private static void putAnnotations(ObjectNode node, Map<String, String> annotations) {
    if (annotations != null && !annotations.isEmpty()) {
      // sorted, so that the same content always gives the same manifest digest
      ObjectNode a = node.putObject("annotations");
      new java.util.TreeMap<>(annotations).forEach(a::put);
    }
  }

  /** Manifests are stored compact: their digest is over these exact bytes. */
  private static byte[] compact(JsonNode node) throws IOException {
    return Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
        .writeValueAsBytes(node);
  }
}
