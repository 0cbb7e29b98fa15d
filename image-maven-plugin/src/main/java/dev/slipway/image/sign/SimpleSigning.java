package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * cosign's "simple signing" payload: what a container image signature signs. It names the repository and the
 * manifest digest, so a signature cannot be moved to another image; {@code optional} carries user annotations
 * ({@code null} when there are none, as cosign writes it).
 */
public final class SimpleSigning {
  public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String TYPE = "cosign container image signature";

  /** The two facts a payload binds: repository and manifest digest. */
  public record Claims(String dockerReference, String manifestDigest, Map<String, String> annotations) {}

  private SimpleSigning() {}

  /** The payload bytes, compact JSON in cosign's key order. */
  public static byte[] payload(String dockerReference, String manifestDigest, Map<String, String> annotations) {
    ObjectNode root = Json.mapper().createObjectNode();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", dockerReference);
    critical.putObject("image").put("docker-manifest-digest", manifestDigest);
    critical.put("type", TYPE);
    if (annotations == null || annotations.isEmpty()) {
      root.putNull("optional");
    } else {
      ObjectNode optional = root.putObject("optional");
      new TreeMap<>(annotations).forEach(optional::put);
    }
    try {
      return Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a payload; throws if it is not a cosign container image signature payload. */
  public static Claims parse(byte[] payload) throws IOException {
    JsonNode root = Json.mapper().readTree(payload);
    JsonNode critical = root.path("critical");
    if (!TYPE.equals(critical.path("type").asText())) {
      throw new IOException("not a cosign simple-signing payload (critical.type is '"
          + critical.path("type").asText() + "')");
    }
    Map<String, String> annotations = new TreeMap<>();
    root.path("optional").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return new Claims(critical.path("identity").path("docker-reference").asText(null),
        critical.path("image").path("docker-manifest-digest").asText(null), annotations);
  }
}
