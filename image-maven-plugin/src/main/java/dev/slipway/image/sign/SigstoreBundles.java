package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * carry a certificate): verification material is a public-key hint, plus the Rekor v1 entry (SET and inclusion proof)
 * when the signature was logged.
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

  public static byte[] messageSignature(PublicKey key, byte[] payloadSha256, byte[] signature,
      TransparencyLog.Entry tlog) {
    ObjectNode bundle = base(key, tlog);
    ObjectNode ms = bundle.putObject("messageSignature");
    ObjectNode md = ms.putObject("messageDigest");
    md.put("algorithm", "SHA2_256");
    md.put("digest", Base64.getEncoder().encodeToString(payloadSha256));
    ms.put("signature", Base64.getEncoder().encodeToString(signature));
    return Json.write(bundle).getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] dsse(PublicKey key, String payloadType, byte[] payload, byte[] signature,
      TransparencyLog.Entry tlog) {
    ObjectNode bundle = base(key, tlog);
    bundle.set("dsseEnvelope", Dsse.envelopeJson(payloadType, payload, signature, keyId(key)));
    return Json.write(bundle).getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode base(PublicKey key, TransparencyLog.Entry tlog) {
    ObjectNode bundle = Json.mapper().createObjectNode();
    bundle.put("mediaType", MEDIA_TYPE);
    ObjectNode vm = bundle.putObject("verificationMaterial");
    vm.putObject("publicKey").put("hint", keyId(key));
    ArrayNode entries = vm.putArray("tlogEntries");
    if (tlog != null) {
      entries.add(tlogEntry(tlog));
    }
    return bundle;
  }

  /** A Rekor v1 entry in the bundle's protobuf-JSON form (64-bit numbers as strings, hashes in base64). */
  static ObjectNode tlogEntry(TransparencyLog.Entry e) {
    HexFormat hex = HexFormat.of();
    Base64.Encoder b64 = Base64.getEncoder();
    ObjectNode t = Json.mapper().createObjectNode();
    t.put("logIndex", Long.toString(e.logIndex()));
    t.putObject("logId").put("keyId", b64.encodeToString(hex.parseHex(e.logIdHex())));
    ObjectNode kv = t.putObject("kindVersion");
    kv.put("kind", e.kind());
    kv.put("version", e.kindVersion());
    t.put("integratedTime", Long.toString(e.integratedTime()));
    t.putObject("inclusionPromise").put("signedEntryTimestamp", e.signedEntryTimestamp());
    if (e.proof() != null) {
      ObjectNode p = t.putObject("inclusionProof");
      p.put("logIndex", Long.toString(e.proof().logIndex()));
      p.put("rootHash", b64.encodeToString(hex.parseHex(e.proof().rootHashHex())));
      p.put("treeSize", Long.toString(e.proof().treeSize()));
      ArrayNode hashes = p.putArray("hashes");
      e.proof().hashesHex().forEach(h -> hashes.add(b64.encodeToString(hex.parseHex(h))));
      p.putObject("checkpoint").put("envelope", e.proof().checkpoint());
    }
    t.put("canonicalizedBody", e.bodyBase64());
    return t;
  }
}
