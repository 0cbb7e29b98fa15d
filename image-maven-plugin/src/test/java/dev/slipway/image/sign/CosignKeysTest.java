package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.testkit.sigstore.NodeVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cosign's own {@code cosign.key}: cosign's test key, go-securesystemslib's vectors, and keys from an independent
 * writer (Node's scrypt + tweetnacl's secretbox).
 */
class CosignKeysTest {
  static final Path FIXTURES = Path.of("src/test/resources/cosign");
  @TempDir Path dir;

  static String pem(String type, JsonNode encrypted) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(encrypted.toString().getBytes(StandardCharsets.UTF_8)) + "\n-----END " + type + "-----\n";
  }

  @Test
  void secureSystemsLibVectorsDecryptAndTamperingIsCaught() throws Exception {
    JsonNode vectors = Json.mapper().readTree(FIXTURES.resolve("securesystemslib-vectors.json").toFile());
    char[] pass = vectors.path("passphrase").asText().toCharArray();
    for (JsonNode v : vectors.path("supported")) {
      // the vectors were made by Marshal, which encrypts the JSON encoding of the bytes (a base64 string)
      byte[] plain = CosignKeys.decrypt(pem(CosignKeys.SIGSTORE_PEM_TYPE, v), pass);
      assertThat(new String(Json.mapper().readTree(plain).binaryValue(), StandardCharsets.UTF_8))
          .isEqualTo(vectors.path("plaintext").asText());
    }
    JsonNode first = vectors.path("supported").get(0).deepCopy();
    assertThatThrownBy(() -> CosignKeys.decrypt(pem(CosignKeys.SIGSTORE_PEM_TYPE, first), "wrong".toCharArray()))
        .isInstanceOfSatisfying(CosignKeys.KeyException.class, e -> assertThat(e.wrongPassword()).isTrue());
    byte[] ct = Base64.getDecoder().decode(first.path("ciphertext").asText());
    ct[ct.length - 1] ^= 1;
    ((com.fasterxml.jackson.databind.node.ObjectNode) first).put("ciphertext", Base64.getEncoder().encodeToString(ct));
    assertThatThrownBy(() -> CosignKeys.decrypt(pem(CosignKeys.SIGSTORE_PEM_TYPE, first), pass))
        .isInstanceOfSatisfying(CosignKeys.KeyException.class, e -> assertThat(e.wrongPassword()).isTrue());
    assertThatThrownBy(() -> CosignKeys.decrypt(pem(CosignKeys.COSIGN_PEM_TYPE, vectors.path("unsupported")), pass))
        .isInstanceOfSatisfying(CosignKeys.KeyException.class, e -> {
          assertThat(e.wrongPassword()).isFalse();
          assertThat(e.getMessage()).contains("unsupported scrypt parameters N=99");
        });
  }

  @Test
  void cosignsOwnTestKeysLoadOrAreRefusedByName() throws Exception {
    PemKeySigner key = PemKeySigner.load(FIXTURES.resolve("sigstore-hello.key"), "hello".toCharArray(), "image.sign.key");
    byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initVerify(key.publicKey());
    s.update(data);
    assertThat(s.verify(key.sign(data))).isTrue();
    assertThatThrownBy(() -> PemKeySigner.load(FIXTURES.resolve("sigstore-hello.key"), "nope".toCharArray(),
        "image.sign.key")).isInstanceOf(InvalidInputException.class).hasMessageContaining("image.sign.key")
        .hasMessageContaining("wrong password").hasMessageNotContaining("nope");
    // the older ENCRYPTED COSIGN PRIVATE KEY label
    assertThat(PemKeySigner.load(FIXTURES.resolve("cosign-hello.key"), "hello".toCharArray(), "image.sign.key")
        .publicKey().getAlgorithm()).isEqualTo("EC");
    // a key that is not EC P-256 (an Ed25519 PKCS#8 inside cosign's encryption, as cosign can import one)
    Path ed = dir.resolve("ed25519.key");
    NodeVerifier.locate().cosignKey(dir.resolve("ed"), "hello", 32768, null);
    Files.writeString(ed, reencrypt(java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
        .getPrivate().getEncoded(), Files.readString(dir.resolve("ed/cosign.key"))));
    assertThatThrownBy(() -> PemKeySigner.load(ed, "hello".toCharArray(), "image.sign.key"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("image.sign.key")
        .hasMessageContaining("EC P-256");
  }

  /** {@code template}'s salt and nonce around another plaintext (password "hello"): a key of another type. */
  static String reencrypt(byte[] plaintext, String template) throws Exception {
    String body = template.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    com.fasterxml.jackson.databind.node.ObjectNode json =
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(Base64.getDecoder().decode(body));
    byte[] salt = Base64.getDecoder().decode(json.path("kdf").path("salt").asText());
    byte[] nonce = Base64.getDecoder().decode(json.path("cipher").path("nonce").asText());
    byte[] key = org.bouncycastle.crypto.generators.SCrypt.generate("hello".getBytes(StandardCharsets.UTF_8), salt,
        json.path("kdf").path("params").path("N").asInt(), 8, 1, 32);
    // NaCl secretbox seal: XSalsa20 key stream (first 32 bytes = Poly1305 key), Poly1305 tag first
    org.bouncycastle.crypto.engines.XSalsa20Engine x = new org.bouncycastle.crypto.engines.XSalsa20Engine();
    x.init(true, new org.bouncycastle.crypto.params.ParametersWithIV(
        new org.bouncycastle.crypto.params.KeyParameter(key), nonce));
    byte[] macKey = new byte[32];
    x.processBytes(new byte[32], 0, 32, macKey, 0);
    byte[] ct = new byte[plaintext.length];
    x.processBytes(plaintext, 0, plaintext.length, ct, 0);
    org.bouncycastle.crypto.macs.Poly1305 mac = new org.bouncycastle.crypto.macs.Poly1305();
    mac.init(new org.bouncycastle.crypto.params.KeyParameter(macKey));
    mac.update(ct, 0, ct.length);
    byte[] box = new byte[16 + ct.length];
    mac.doFinal(box, 0);
    System.arraycopy(ct, 0, box, 16, ct.length);
    json.put("ciphertext", Base64.getEncoder().encodeToString(box));
    return pem(CosignKeys.SIGSTORE_PEM_TYPE, json);
  }

  @Test
  void keysFromAnIndependentWriterLoadWithBothPemLabels() throws Exception {
    NodeVerifier node = NodeVerifier.locate();
    String password = "canary-cosign-key-91c2";
    for (String label : new String[] {CosignKeys.SIGSTORE_PEM_TYPE, CosignKeys.COSIGN_PEM_TYPE}) {
      Path d = Files.createDirectories(dir.resolve(label.replace(' ', '-')));
      node.cosignKey(d, password, 32768, label);
      assertThat(Files.readString(d.resolve("cosign.key"))).startsWith("-----BEGIN " + label + "-----");
      PemKeySigner key = PemKeySigner.load(d.resolve("cosign.key"), password.toCharArray(), "image.sign.key");
      assertThat(key.publicKey().getEncoded())
          .isEqualTo(PublicKeys.load(d.resolve("cosign.pub"), "image.verify.publicKey").getEncoded());
    }
    // the empty password cosign allows (COSIGN_PASSWORD="")
    Path empty = Files.createDirectories(dir.resolve("empty"));
    node.cosignKey(empty, "", 32768, null);
    assertThat(PemKeySigner.load(empty.resolve("cosign.key"), null, "image.sign.key").publicKey()).isNotNull();
    assertThatThrownBy(() -> PemKeySigner.load(empty.resolve("cosign.key"), "x".toCharArray(), "image.sign.key"))
        .hasMessageContaining("wrong password");
  }
}
