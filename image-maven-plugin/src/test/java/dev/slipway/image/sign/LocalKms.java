package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny AWS KMS on 127.0.0.1 speaking the real wire protocol (awsJson1_1, {@code X-Amz-Target: TrentService.*})
 * for the two calls key signing needs: {@code GetPublicKey} and {@code Sign} of a SHA-256 digest with an EC P-256
 * key that never leaves it. Records the targets it was called with.
 */
final class LocalKms implements AutoCloseable {
  final String keyArn = "arn:aws:kms:eu-west-1:111122223333:key/0b7e3f5c-slipway-test";
  final KeyPair keys;
  final List<String> calls = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  LocalKms() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    keys = g.generateKeyPair();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      calls.add(target);
      JsonNode req = Json.mapper().readTree(ex.getRequestBody().readAllBytes());
      if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256")) {
        send(ex, 400, error("MissingAuthenticationTokenException", "request is not signed"));
        return;
      }
      if (!keyArn.equals(req.path("KeyId").asText())) {
        send(ex, 400, error("NotFoundException", "Key '" + req.path("KeyId").asText() + "' does not exist"));
        return;
      }
      ObjectNode out = Json.mapper().createObjectNode();
      out.put("KeyId", keyArn);
      switch (String.valueOf(target)) {
        case "TrentService.GetPublicKey" -> {
          out.put("PublicKey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
          out.put("KeySpec", "ECC_NIST_P256");
          out.put("KeyUsage", "SIGN_VERIFY");
          out.putArray("SigningAlgorithms").add("ECDSA_SHA_256");
        }
        case "TrentService.Sign" -> {
          if (!"DIGEST".equals(req.path("MessageType").asText())
              || !"ECDSA_SHA_256".equals(req.path("SigningAlgorithm").asText())) {
            send(ex, 400, error("ValidationException", "expected a DIGEST signed with ECDSA_SHA_256"));
            return;
          }
          byte[] digest = Base64.getDecoder().decode(req.path("Message").asText());
          if (digest.length != 32) {
            send(ex, 400, error("ValidationException", "digest must be 32 bytes"));
            return;
          }
          Signature s = Signature.getInstance("NONEwithECDSA");
          s.initSign(keys.getPrivate());
          s.update(digest);
          out.put("Signature", Base64.getEncoder().encodeToString(s.sign()));
          out.put("SigningAlgorithm", "ECDSA_SHA_256");
        }
        default -> {
          send(ex, 400, error("UnknownOperationException", "unsupported: " + target));
          return;
        }
      }
      send(ex, 200, out.toString());
    } catch (Exception e) {
      send(ex, 500, error("KMSInternalException", e.toString()));
    }
  }

  private static String error(String type, String message) {
    return "{\"__type\":\"" + type + "\",\"message\":" + Json.write(message) + "}";
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
