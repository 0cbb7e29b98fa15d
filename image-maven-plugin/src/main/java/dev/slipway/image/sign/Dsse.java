package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** DSSE envelopes (the in-toto attestation wrapper): the pre-authentication encoding and the envelope JSON. */
public final class Dsse {
  public static final String MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  /** A parsed envelope with its first signature. */
  public record Envelope(String payloadType, byte[] payload, byte[] signature, String keyId) {
    public byte[] pae() {
      return Dsse.pae(payloadType, payload);
    }
  }

  private Dsse() {}

  /** {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}: the bytes a DSSE signature covers. */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  public static ObjectNode envelopeJson(String payloadType, byte[] payload, byte[] signature, String keyId) {
    ObjectNode env = Json.mapper().createObjectNode();
    env.put("payloadType", payloadType);
    env.put("payload", Base64.getEncoder().encodeToString(payload));
    ObjectNode sig = env.putArray("signatures").addObject();
    sig.put("keyid", keyId == null ? "" : keyId);
    sig.put("sig", Base64.getEncoder().encodeToString(signature));
    return env;
  }

  public static byte[] envelope(String payloadType, byte[] payload, byte[] signature, String keyId) {
    return compact(envelopeJson(payloadType, payload, signature, keyId));
  }

  public static Envelope parse(byte[] json) throws IOException {
    return parse(Json.mapper().readTree(json));
  }

  public static Envelope parse(JsonNode env) throws IOException {
    JsonNode sig = env.path("signatures").path(0);
    if (!env.hasNonNull("payload") || sig.isMissingNode()) {
      throw new IOException("not a DSSE envelope with a signature");
    }
    return new Envelope(env.path("payloadType").asText(), Base64.getDecoder().decode(env.path("payload").asText()),
        Base64.getDecoder().decode(sig.path("sig").asText()), sig.path("keyid").asText(""));
  }

  static byte[] compact(JsonNode node) {
    try {
      return Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
