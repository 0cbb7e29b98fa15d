package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * cosign's legacy registry layout: signatures of image {@code sha256:<hex>} live in the image manifest tagged
 * {@code sha256-<hex>.sig}, one layer per signature (the payload) with the signature, certificate, chain and Rekor
 * bundle as layer annotations; attestations likewise under {@code .att} with DSSE envelopes as layers. Adding a
 * signature keeps the ones already there, as cosign does.
 */
public final class CosignLayout {
  public static final String SIG = "sig";
  public static final String ATT = "att";
  public static final String ANN_SIGNATURE = "dev.cosignproject.cosign/signature";
  public static final String ANN_CERTIFICATE = "dev.sigstore.cosign/certificate";
  public static final String ANN_CHAIN = "dev.sigstore.cosign/chain";
  public static final String ANN_BUNDLE = "dev.sigstore.cosign/bundle";
  public static final String ANN_RFC3161 = "dev.sigstore.cosign/rfc3161timestamp";
  public static final String ANN_PREDICATE_TYPE = "predicateType";

  /** A layer read back: its media type, content and annotations. */
  public record Layer(String mediaType, String digest, byte[] content, Map<String, String> annotations) {}

  private final RegistryClient client;

  public CosignLayout(RegistryClient client) {
    this.client = client;
  }

  public static String tag(String digest, String suffix) {
    return "sha256-" + Digests.hex(digest) + "." + suffix;
  }

  /** Adds {@code layer} to the {@code suffix} manifest of {@code digest}; returns the new manifest's digest. */
  public String append(String digest, String suffix, Referrers.Blob layer) throws IOException {
    String tag = tag(digest, suffix);
    List<ObjectNode> layers = new ArrayList<>();
    if (client.headManifest(tag).isPresent()) {
      for (JsonNode l : client.getManifest(tag).json().path("layers")) {
        layers.add((ObjectNode) l);
      }
    }
    String layerDigest = layer.digest();
    for (ObjectNode existing : layers) {
      if (existing.path("digest").asText().equals(layerDigest)
          && Objects.equals(annotations(existing), new TreeMap<>(layer.annotations()))) {
        return client.headManifest(tag).orElseThrow().digest();
      }
    }
    client.pushBlob(layerDigest, layer.content());
    ObjectNode added = Json.mapper().createObjectNode();
    added.put("mediaType", layer.mediaType());
    added.put("size", layer.content().length);
    added.put("digest", layerDigest);
    ObjectNode ann = added.putObject("annotations");
    new TreeMap<>(layer.annotations()).forEach(ann::put);
    layers.add(added);

    ObjectNode config = Json.mapper().createObjectNode();
    config.put("architecture", "");
    config.put("created", "0001-01-01T00:00:00Z");
    config.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
    config.put("os", "");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.path("digest").asText()));
    config.putObject("config");
    byte[] configBytes = Dsse.compact(config);
    String configDigest = Digests.sha256(configBytes);
    client.pushBlob(configDigest, configBytes);

    ObjectNode manifest = Json.mapper().createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    ObjectNode c = manifest.putObject("config");
    c.put("mediaType", MediaTypes.OCI_CONFIG);
    c.put("size", configBytes.length);
    c.put("digest", configDigest);
    ArrayNode ls = manifest.putArray("layers");
    layers.forEach(ls::add);
    return client.putManifest(tag, MediaTypes.OCI_MANIFEST, Dsse.compact(manifest));
  }

  /** The layers under the {@code suffix} tag of {@code digest}; empty when there is no such tag. */
  public List<Layer> read(String digest, String suffix) throws IOException {
    String tag = tag(digest, suffix);
    if (client.headManifest(tag).isEmpty()) {
      return List.of();
    }
    List<Layer> out = new ArrayList<>();
    for (JsonNode l : client.getManifest(tag).json().path("layers")) {
      String d = l.path("digest").asText();
      out.add(new Layer(l.path("mediaType").asText(), d, client.getBlob(d), annotations(l)));
    }
    return out;
  }

  private static Map<String, String> annotations(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    node.path("annotations").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** cosign's {@code dev.sigstore.cosign/bundle} annotation: the Rekor entry with its signed entry timestamp. */
  public static String rekorBundleAnnotation(KeylessBackend.TlogEntry tlog) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("body", tlog.body());
    payload.put("integratedTime", tlog.integratedTime());
    payload.put("logIndex", tlog.logIndex());
    payload.put("logID", tlog.logIdHex());
    Map<String, Object> bundle = new LinkedHashMap<>();
    bundle.put("SignedEntryTimestamp", tlog.signedEntryTimestamp());
    bundle.put("Payload", payload);
    return new String(Dsse.compact(Json.mapper().valueToTree(bundle)), java.nio.charset.StandardCharsets.UTF_8);
  }
}
