package dev.slipway.testkit.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Rekor v1 transparency log over HTTP on 127.0.0.1: {@code POST /api/v1/log/entries} accepts a hashedrekord
 * 0.0.1 entry whose signature verifies against its certificate or public key (PEM), or a dsse 0.0.1 entry whose
 * envelope signature verifies against its verifier (stored, as Rekor does, in canonical form: envelope hash over the
 * envelope string as given, payload hash, signature and verifier), appends it to an RFC 6962 Merkle tree and answers
 * 201 with a {@code Location}, a signed entry timestamp over the canonical entry, an inclusion proof and a checkpoint
 * signed under the host name. The log starts with one genesis leaf, so real entries have index &ge; 1 and every
 * proof has at least one hash (sigstore-java's bundle writer rejects proto3 zero values).
 */
final class FakeRekor implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final KeyPair keys;
  private final byte[] logId;
  private final HttpServer server;
  private final List<byte[]> leaves = new ArrayList<>();
  private final Map<String, String> entries = new LinkedHashMap<>();
  private final long treeId = 1_193_050_959_916_656_506L;

  FakeRekor(KeyPair keys) throws IOException {
    this.keys = keys;
    this.logId = Pki.sha256(keys.getPublic().getEncoded());
    leaves.add("slipway fake rekor genesis".getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/log/entries", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String host() {
    return "127.0.0.1";
  }

  synchronized int size() {
    return leaves.size();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if ("POST".equals(ex.getRequestMethod()) && path.equals("/api/v1/log/entries")) {
        byte[] proposed = ex.getRequestBody().readAllBytes();
        byte[] body;
        try {
          body = canonical(proposed);
        } catch (IllegalArgumentException e) {
          send(ex, 400, "{\"code\":400,\"message\":" + JSON.writeValueAsString(e.getMessage()) + "}", null);
          return;
        }
        String[] created = append(body);
        send(ex, 201, created[1], "/api/v1/log/entries/" + created[0]);
      } else if ("GET".equals(ex.getRequestMethod()) && path.startsWith("/api/v1/log/entries/")) {
        String uuid = path.substring("/api/v1/log/entries/".length());
        String entry;
        synchronized (this) {
          entry = entries.get(uuid);
        }
        if (entry == null) {
          send(ex, 404, "{\"code\":404,\"message\":\"not found\"}", null);
        } else {
          send(ex, 200, entry, null);
        }
      } else {
        send(ex, 405, "{\"code\":405,\"message\":\"method not allowed\"}", null);
      }
    }
  }

  private static void send(HttpExchange ex, int status, String body, String location) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    if (location != null) {
      ex.getResponseHeaders().set("Location", location);
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * What real Rekor checks before logging, and the body it stores: a hashedrekord is stored as proposed; a dsse
   * proposal becomes its canonical form. Throws with Rekor's kind of message when the entry is refused.
   */
  private static byte[] canonical(byte[] proposed) {
    JsonNode entry;
    try {
      entry = JSON.readTree(proposed);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed entry: " + e.getMessage());
    }
    String kind = entry.path("kind").asText();
    if (!"0.0.1".equals(entry.path("apiVersion").asText())) {
      throw new IllegalArgumentException("only apiVersion 0.0.1 entries are accepted");
    }
    try {
      JsonNode spec = entry.path("spec");
      if ("hashedrekord".equals(kind)) {
        byte[] digest = HEX.parseHex(spec.path("data").path("hash").path("value").asText());
        byte[] signature = Base64.getDecoder().decode(spec.path("signature").path("content").asText());
        PublicKey key = publicKey(Base64.getDecoder().decode(
            spec.path("signature").path("publicKey").path("content").asText()));
        Signature verifier = Signature.getInstance("NONEwithECDSA");
        verifier.initVerify(key);
        verifier.update(digest);
        if (!verifier.verify(signature)) {
          throw new IllegalArgumentException("the signature does not verify against the artifact hash");
        }
        return proposed;
      }
      if ("dsse".equals(kind)) {
        String envelope = spec.path("proposedContent").path("envelope").asText();
        JsonNode env = JSON.readTree(envelope);
        byte[] payload = Base64.getDecoder().decode(env.path("payload").asText());
        String payloadType = env.path("payloadType").asText();
        JsonNode verifiers = spec.path("proposedContent").path("verifiers");
        if (env.path("signatures").size() != 1 || verifiers.size() != 1) {
          throw new IllegalArgumentException("the fake logs envelopes with exactly one signature and verifier");
        }
        String sigB64 = env.path("signatures").get(0).path("sig").asText();
        String verifierB64 = verifiers.get(0).asText();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey(Base64.getDecoder().decode(verifierB64)));
        verifier.update(pae(payloadType, payload));
        if (!verifier.verify(Base64.getDecoder().decode(sigB64))) {
          throw new IllegalArgumentException("the envelope signature does not verify with its verifier");
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("apiVersion", "0.0.1");
        body.put("kind", "dsse");
        ObjectNode out = body.putObject("spec");
        ObjectNode envelopeHash = out.putObject("envelopeHash");
        envelopeHash.put("algorithm", "sha256");
        envelopeHash.put("value", HEX.formatHex(Pki.sha256(envelope.getBytes(StandardCharsets.UTF_8))));
        ObjectNode payloadHash = out.putObject("payloadHash");
        payloadHash.put("algorithm", "sha256");
        payloadHash.put("value", HEX.formatHex(Pki.sha256(payload)));
        ObjectNode sig = out.putArray("signatures").addObject();
        sig.put("signature", sigB64);
        sig.put("verifier", verifierB64);
        return JSON.writeValueAsBytes(body);
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("malformed " + kind + " entry: " + e);
    }
    throw new IllegalArgumentException("only hashedrekord and dsse entries are accepted, not '" + kind + "'");
  }

  /** The key of a PEM certificate or public key. */
  private static PublicKey publicKey(byte[] pem) throws Exception {
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (text.contains("BEGIN CERTIFICATE")) {
      return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem))
          .getPublicKey();
    }
    String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }

  private static byte[] pae(String type, byte[] payload) {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(("DSSEv1 " + t.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(t);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private synchronized String[] append(byte[] body) throws IOException {
    leaves.add(body);
    long index = leaves.size() - 1;
    long size = leaves.size();
    long integratedTime = Instant.now().getEpochSecond();
    String bodyB64 = Base64.getEncoder().encodeToString(body);
    String logIdHex = HEX.formatHex(logId);
    // RFC 8785 canonical form of these four fields: sorted keys, no spaces; the values need no escaping
    String canonical = "{\"body\":\"" + bodyB64 + "\",\"integratedTime\":" + integratedTime + ",\"logID\":\""
        + logIdHex + "\",\"logIndex\":" + index + "}";
    byte[] set = Pki.signSha256Ecdsa(keys.getPrivate(), canonical.getBytes(StandardCharsets.UTF_8));

    List<byte[]> leafHashes = new ArrayList<>();
    for (byte[] leaf : leaves) {
      leafHashes.add(Merkle.leafHash(leaf));
    }
    byte[] root = Merkle.root(leafHashes);
    List<String> proof = new ArrayList<>();
    for (byte[] h : Merkle.path((int) index, leafHashes)) {
      proof.add(HEX.formatHex(h));
    }
    String note = host() + " - " + treeId + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    byte[] noteSig = Pki.signSha256Ecdsa(keys.getPrivate(), note.getBytes(StandardCharsets.UTF_8));
    byte[] hintAndSig = new byte[4 + noteSig.length];
    System.arraycopy(logId, 0, hintAndSig, 0, 4);
    System.arraycopy(noteSig, 0, hintAndSig, 4, noteSig.length);
    String checkpoint = note + "\n\u2014 " + host() + " " + Base64.getEncoder().encodeToString(hintAndSig) + "\n";

    ObjectNode entry = JSON.createObjectNode();
    entry.put("body", bodyB64);
    entry.put("integratedTime", integratedTime);
    entry.put("logID", logIdHex);
    entry.put("logIndex", index);
    ObjectNode verification = entry.putObject("verification");
    verification.put("signedEntryTimestamp", Base64.getEncoder().encodeToString(set));
    ObjectNode inclusion = verification.putObject("inclusionProof");
    proof.forEach(inclusion.putArray("hashes")::add);
    inclusion.put("logIndex", index);
    inclusion.put("rootHash", HEX.formatHex(root));
    inclusion.put("treeSize", size);
    inclusion.put("checkpoint", checkpoint);
    String uuid = HEX.formatHex(leafHashes.get((int) index));
    ObjectNode response = JSON.createObjectNode();
    response.set(uuid, entry);
    String json = JSON.writeValueAsString(response);
    entries.put(uuid, json);
    return new String[] {uuid, json};
  }

  /** RFC 6962 Merkle tree hashing and audit paths. */
  static final class Merkle {
    private Merkle() {}

    static byte[] leafHash(byte[] data) {
      return Pki.sha256(new byte[] {0}, data);
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
      return Pki.sha256(new byte[] {1}, left, right);
    }

    static byte[] root(List<byte[]> leafHashes) {
      int n = leafHashes.size();
      if (n == 1) {
        return leafHashes.get(0);
      }
      int k = split(n);
      return nodeHash(root(leafHashes.subList(0, k)), root(leafHashes.subList(k, n)));
    }

    /** The audit path of leaf {@code m}, from the leaf's sibling up to the root's child. */
    static List<byte[]> path(int m, List<byte[]> leafHashes) {
      int n = leafHashes.size();
      List<byte[]> out = new ArrayList<>();
      if (n <= 1) {
        return out;
      }
      int k = split(n);
      if (m < k) {
        out.addAll(path(m, leafHashes.subList(0, k)));
        out.add(root(leafHashes.subList(k, n)));
      } else {
        out.addAll(path(m - k, leafHashes.subList(k, n)));
        out.add(root(leafHashes.subList(0, k)));
      }
      return out;
    }

    /** The largest power of two smaller than {@code n}. */
    private static int split(int n) {
      int k = 1;
      while (k << 1 < n) {
        k <<= 1;
      }
      return k;
    }
  }
}
