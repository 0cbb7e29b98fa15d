package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.rekor.client.RekorParseException;
import dev.sigstore.rekor.client.RekorResponse;
import dev.slipway.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;

/**
 * {@link TransparencyLog} over Rekor's v1 REST API ({@code POST /api/v1/log/entries}). sigstore-java's own Rekor
 * client only proposes {@code hashedrekord} entries with certificates, so the proposal is built here (two small JSON
 * documents, the shapes cosign sends) and the answer is parsed by sigstore-java's {@code RekorResponse}.
 */
public final class RekorV1Client implements TransparencyLog {
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  public RekorV1Client(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public String url() {
    return base.toString();
  }

  @Override
  public Entry hashedRekord(byte[] artifactSha256, byte[] signature, String publicKeyPem) throws SigningException {
    ObjectNode entry = Json.mapper().createObjectNode();
    entry.put("apiVersion", "0.0.1");
    entry.put("kind", "hashedrekord");
    ObjectNode spec = entry.putObject("spec");
    ObjectNode hash = spec.putObject("data").putObject("hash");
    hash.put("algorithm", "sha256");
    hash.put("value", HexFormat.of().formatHex(artifactSha256));
    ObjectNode sig = spec.putObject("signature");
    sig.put("content", Base64.getEncoder().encodeToString(signature));
    sig.putObject("publicKey").put("content", b64(publicKeyPem));
    return post(entry, "hashedrekord");
  }

  @Override
  public Entry dsse(byte[] envelopeJson, String publicKeyPem) throws SigningException {
    ObjectNode entry = Json.mapper().createObjectNode();
    entry.put("apiVersion", "0.0.1");
    entry.put("kind", "dsse");
    ObjectNode content = entry.putObject("spec").putObject("proposedContent");
    // Rekor hashes the envelope string as given: cosign's verify-attestation compares that hash with the .att layer
    content.put("envelope", new String(envelopeJson, StandardCharsets.UTF_8));
    content.putArray("verifiers").add(b64(publicKeyPem));
    return post(entry, "dsse");
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  private Entry post(JsonNode proposed, String kind) throws SigningException {
    URI uri = base.resolve("/api/v1/log/entries");
    HttpResponse<String> r;
    try {
      r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
          .header("Accept", "application/json").header("User-Agent", "slipway")
          .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(proposed))).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new SigningException("Rekor " + base + " did not answer within " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new SigningException("cannot reach Rekor " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SigningException("interrupted while logging to Rekor " + base, e);
    }
    if (r.statusCode() != 201) {
      String body = r.body() == null ? "" : r.body().strip();
      throw new SigningException("Rekor " + base + " refused the " + kind + " entry: HTTP " + r.statusCode()
          + (body.isEmpty() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body)));
    }
    try {
      RekorResponse parsed = RekorResponse.newRekorResponse(uri, r.body());
      RekorEntry e = parsed.getEntry();
      RekorEntry.InclusionProof p = e.getVerification().getInclusionProof();
      InclusionProof proof = p == null ? null : new InclusionProof(p.getLogIndex(), p.getRootHash(), p.getTreeSize(),
          p.getHashes(), p.getCheckpoint());
      return new Entry(parsed.getUuid(), e.getBody(), e.getIntegratedTime(), e.getLogIndex(), e.getLogID(),
          e.getVerification().getSignedEntryTimestamp(), proof, kind, "0.0.1");
    } catch (RekorParseException | RuntimeException e) {
      throw new SigningException("Rekor " + base + " answered something that is not a log entry: " + e.getMessage(),
          e);
    }
  }
}
