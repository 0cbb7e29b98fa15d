package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Sigstore bundles (v0.3) for signatures made with a key, which sigstore-java cannot represent (its bundles always
 * carry a certificate): verification material is a public-key hint, and there is no transparency log entry.
 */
public final class SigstoreBundles {
  public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  private SigstoreBundles() {}

  /** The key id Slipway uses as the bundle's public-key hint and the DSSE keyid: hex SHA-256 of the SPKI DER. */
  public static String keyId(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] messageSignature(PublicKey key, byte[] payloadSha256, byte[] signature) {
    ObjectNode bundle = base(key);
    ObjectNode ms = bundle.putObject("messageSignature");
    ObjectNode md = ms.putObject("messageDigest");
    md.put("algorithm", "SHA2_256");
    md.put("digest", Base64.getEncoder().encodeToString(payloadSha256));
    ms.put("signature", Base64.getEncoder().encodeToString(signature));
    return Json.write(bundle).getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] dsse(PublicKey key, String payloadType, byte[] payload, byte[] signature) {
    ObjectNode bundle = base(key);
    bundle.set("dsseEnvelope", Dsse.envelopeJson(payloadType, payload, signature, keyId(key)));
    return Json.write(bundle).getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode base(PublicKey key) {
    ObjectNode bundle = Json.mapper().createObjectNode();
    bundle.put("mediaType", MEDIA_TYPE);
    ObjectNode vm = bundle.putObject("verificationMaterial");
    vm.putObject("publicKey").put("hint", keyId(key));
    vm.putArray("tlogEntries");
    return bundle;
  }
}
