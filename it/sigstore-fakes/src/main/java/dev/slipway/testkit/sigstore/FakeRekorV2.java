package dev.slipway.testkit.sigstore;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.common.v1.LogId;
import dev.sigstore.proto.rekor.v1.Checkpoint;
import dev.sigstore.proto.rekor.v1.InclusionProof;
import dev.sigstore.proto.rekor.v1.KindVersion;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.rekor.v2.CreateEntryRequest;
import dev.sigstore.proto.rekor.v2.DSSELogEntryV002;
import dev.sigstore.proto.rekor.v2.DSSERequestV002;
import dev.sigstore.proto.rekor.v2.Entry;
import dev.sigstore.proto.rekor.v2.Signature;
import dev.sigstore.proto.rekor.v2.Spec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A Rekor v2 log over HTTP on 127.0.0.1, for DSSE entries (what sigstore-java's {@code attest()} writes):
 * {@code POST /api/v2/log/entries} takes a {@code CreateEntryRequest} with a {@code dsseRequestV002}, checks the
 * envelope signature against the certificate, appends the {@code dsse 0.0.2} entry to an RFC 6962 tree and answers
 * 201 with a {@code TransparencyLogEntry} (inclusion proof and signed checkpoint; Rekor v2 has no SET, time comes
 * from a timestamp authority).
 */
final class FakeRekorV2 implements AutoCloseable {
  private final KeyPair keys;
  private final byte[] logId;
  private final HttpServer server;
  private final List<byte[]> leaves = new ArrayList<>();

  FakeRekorV2(KeyPair keys) throws IOException {
    this.keys = keys;
    this.logId = Pki.sha256(keys.getPublic().getEncoded());
    leaves.add("slipway fake rekor v2 genesis".getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v2/log/entries", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
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
      if (!"POST".equals(ex.getRequestMethod())) {
        send(ex, 405, "{\"message\":\"method not allowed\"}");
        return;
      }
      CreateEntryRequest.Builder request = CreateEntryRequest.newBuilder();
      try {
        JsonFormat.parser().merge(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), request);
      } catch (IOException e) {
        send(ex, 400, "{\"message\":\"malformed request\"}");
        return;
      }
      if (!request.hasDsseRequestV002()) {
        send(ex, 400, "{\"message\":\"this fake log accepts dsseRequestV002 only\"}");
        return;
      }
      DSSERequestV002 dsse = request.getDsseRequestV002();
      if (dsse.getEnvelope().getSignaturesCount() != 1 || dsse.getVerifiersCount() != 1
          || !dsse.getVerifiers(0).hasX509Certificate()) {
        send(ex, 400, "{\"message\":\"expected one signature and one X.509 verifier\"}");
        return;
      }
      byte[] payload = dsse.getEnvelope().getPayload().toByteArray();
      byte[] sig = dsse.getEnvelope().getSignatures(0).getSig().toByteArray();
      byte[] certDer = dsse.getVerifiers(0).getX509Certificate().getRawBytes().toByteArray();
      if (!verifies(certDer, pae(dsse.getEnvelope().getPayloadType(), payload), sig)) {
        send(ex, 400, "{\"message\":\"the DSSE signature does not verify against the certificate\"}");
        return;
      }
      Entry entry = Entry.newBuilder().setKind("dsse").setApiVersion("0.0.2")
          .setSpec(Spec.newBuilder().setDsseV002(DSSELogEntryV002.newBuilder()
              .setPayloadHash(HashOutput.newBuilder().setAlgorithm(HashAlgorithm.SHA2_256)
                  .setDigest(ByteString.copyFrom(Pki.sha256(payload))))
              .addSignatures(Signature.newBuilder().setContent(ByteString.copyFrom(sig))
                  .setVerifier(dsse.getVerifiers(0)))))
          .build();
      byte[] body = JsonFormat.printer().omittingInsignificantWhitespace().print(entry)
          .getBytes(StandardCharsets.UTF_8);
      send(ex, 201, JsonFormat.printer().print(append(body)));
    } catch (Exception e) {
      send(ex, 500, "{\"message\":\"" + e.getClass().getSimpleName() + "\"}");
    }
  }

  private synchronized TransparencyLogEntry append(byte[] body) {
    leaves.add(body);
    int index = leaves.size() - 1;
    List<byte[]> hashes = new ArrayList<>();
    for (byte[] leaf : leaves) {
      hashes.add(FakeRekor.Merkle.leafHash(leaf));
    }
    byte[] root = FakeRekor.Merkle.root(hashes);
    String note = "127.0.0.1 - slipway-fake-rekor-v2\n" + leaves.size() + "\n"
        + Base64.getEncoder().encodeToString(root) + "\n";
    byte[] noteSig = Pki.signSha256Ecdsa(keys.getPrivate(), note.getBytes(StandardCharsets.UTF_8));
    byte[] hintAndSig = new byte[4 + noteSig.length];
    System.arraycopy(logId, 0, hintAndSig, 0, 4);
    System.arraycopy(noteSig, 0, hintAndSig, 4, noteSig.length);
    String checkpoint = note + "\n\u2014 127.0.0.1 " + Base64.getEncoder().encodeToString(hintAndSig) + "\n";
    InclusionProof.Builder proof = InclusionProof.newBuilder().setLogIndex(index).setTreeSize(leaves.size())
        .setRootHash(ByteString.copyFrom(root)).setCheckpoint(Checkpoint.newBuilder().setEnvelope(checkpoint));
    for (byte[] h : FakeRekor.Merkle.path(index, hashes)) {
      proof.addHashes(ByteString.copyFrom(h));
    }
    return TransparencyLogEntry.newBuilder()
        .setLogIndex(index)
        .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(logId)))
        .setKindVersion(KindVersion.newBuilder().setKind("dsse").setVersion("0.0.2"))
        .setInclusionProof(proof)
        .setCanonicalizedBody(ByteString.copyFrom(body))
        .build();
  }

  static byte[] pae(String type, byte[] payload) {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(("DSSEv1 " + t.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(t);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static boolean verifies(byte[] certDer, byte[] data, byte[] sig) {
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certDer));
      java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA");
      v.initVerify(cert.getPublicKey());
      v.update(data);
      return v.verify(sig);
    } catch (Exception e) {
      return false;
    }
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
