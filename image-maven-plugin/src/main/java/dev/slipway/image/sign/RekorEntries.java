package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.trustroot.TransparencyLog;
import dev.slipway.common.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Rekor v1 entries as verifiers meet them offline: in cosign's {@code dev.sigstore.cosign/bundle} layer annotation or
 * in a Sigstore bundle's {@code tlogEntries}. Checks the signed entry timestamp (SET) against a log key of the trusted
 * root, and that the logged body is about exactly the signature being verified ({@code hashedrekord}: payload hash,
 * signature, key; {@code dsse}: envelope or payload hash, signature, key), as cosign's {@code VerifyBundle} does.
 */
final class RekorEntries {
  /** One logged entry: base64 body, time, index, log id (hex) and base64 SET. */
  record Logged(String bodyBase64, long integratedTime, long logIndex, String logIdHex, String setBase64) {}

  private RekorEntries() {}

  /** The entry of cosign's {@code dev.sigstore.cosign/bundle} annotation. */
  static Logged fromCosignAnnotation(String json) throws java.io.IOException {
    JsonNode p = Json.mapper().readTree(json).path("Payload");
    JsonNode root = Json.mapper().readTree(json);
    return new Logged(p.path("body").asText(), p.path("integratedTime").asLong(), p.path("logIndex").asLong(),
        p.path("logID").asText(), root.path("SignedEntryTimestamp").asText());
  }

  /** The Rekor v1 entries (those with a signed entry timestamp) of a Sigstore bundle. */
  static List<Logged> fromBundle(JsonNode bundle) {
    List<Logged> out = new ArrayList<>();
    for (JsonNode t : bundle.path("verificationMaterial").path("tlogEntries")) {
      String set = t.path("inclusionPromise").path("signedEntryTimestamp").asText(null);
      if (set == null) {
        continue;
      }
      out.add(new Logged(t.path("canonicalizedBody").asText(), t.path("integratedTime").asLong(),
          t.path("logIndex").asLong(),
          HexFormat.of().formatHex(Base64.getDecoder().decode(t.path("logId").path("keyId").asText())), set));
    }
    return out;
  }

  /** Null when the SET verifies with a Rekor key of {@code root}; else why not. */
  static String verifySet(Logged e, SigstoreTrustedRoot root) {
    try {
      Optional<TransparencyLog> log = TransparencyLog.find(root.getTLogs(), HexFormat.of().parseHex(e.logIdHex()));
      if (log.isEmpty()) {
        return "Rekor log " + e.logIdHex() + " is not in the trusted root";
      }
      // RFC 8785 form of the four fields: sorted keys, no spaces; base64 and hex need no escaping
      String canonical = "{\"body\":\"" + e.bodyBase64() + "\",\"integratedTime\":" + e.integratedTime()
          + ",\"logID\":\"" + e.logIdHex() + "\",\"logIndex\":" + e.logIndex() + "}";
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(log.get().getPublicKey().toJavaPublicKey());
      s.update(canonical.getBytes(StandardCharsets.UTF_8));
      return s.verify(Base64.getDecoder().decode(e.setBase64())) ? null
          : "the Rekor signed entry timestamp does not verify";
    } catch (Exception ex) {
      return "the Rekor signed entry timestamp cannot be checked: " + ex.getMessage();
    }
  }

  /**
   * Null when the entry's body is about this signature. {@code signedBytes} is what was signed (the payload for a
   * hashedrekord, the envelope JSON for a dsse entry, or null to compare the DSSE payload hash only, as in bundles),
   * {@code payload} the DSSE payload, {@code signerDer} the DER of the signer's public key or certificate.
   */
  static String bodyProblem(Logged e, byte[] signedBytes, byte[] dssePayload, byte[] signature, byte[] signerDer) {
    try {
      JsonNode body = Json.mapper().readTree(Base64.getDecoder().decode(e.bodyBase64()));
      JsonNode spec = body.path("spec");
      String kind = body.path("kind").asText();
      String loggedSig;
      String loggedKey;
      switch (kind) {
        case "hashedrekord" -> {
          if (!hex(sha256(signedBytes)).equals(spec.path("data").path("hash").path("value").asText())) {
            return "the Rekor entry is for another payload";
          }
          loggedSig = spec.path("signature").path("content").asText();
          loggedKey = spec.path("signature").path("publicKey").path("content").asText();
        }
        case "dsse" -> {
          if (spec.path("signatures").size() != 1) {
            return "the Rekor dsse entry holds " + spec.path("signatures").size() + " signatures, not 1";
          }
          if (signedBytes != null
              && !hex(sha256(signedBytes)).equals(spec.path("envelopeHash").path("value").asText())) {
            return "the Rekor entry is for another envelope";
          }
          if (dssePayload != null
              && !hex(sha256(dssePayload)).equals(spec.path("payloadHash").path("value").asText())) {
            return "the Rekor entry is for another DSSE payload";
          }
          loggedSig = spec.path("signatures").get(0).path("signature").asText();
          loggedKey = spec.path("signatures").get(0).path("verifier").asText();
        }
        default -> {
          return "Rekor entry kind '" + kind + "' is not one Slipway checks (hashedrekord, dsse)";
        }
      }
      if (!Arrays.equals(signature, Base64.getDecoder().decode(loggedSig))) {
        return "the Rekor entry holds another signature";
      }
      if (!Arrays.equals(signerDer, pemDer(new String(Base64.getDecoder().decode(loggedKey),
          StandardCharsets.US_ASCII)))) {
        return "the Rekor entry names another key or certificate";
      }
      return null;
    } catch (Exception ex) {
      return "the Rekor entry cannot be read: " + ex.getMessage();
    }
  }

  /** The DER inside a PEM certificate or public key. */
  static byte[] pemDer(String pem) throws Exception {
    if (pem.contains("BEGIN CERTIFICATE")) {
      return CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).getEncoded();
    }
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(b64);
  }

  static byte[] sha256(byte[] data) throws java.security.NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
