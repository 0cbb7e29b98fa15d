package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Reads cosign's own private key files ({@code cosign generate-key-pair}): PEM blocks
 * {@code ENCRYPTED SIGSTORE PRIVATE KEY} (cosign &ge; 2) or {@code ENCRYPTED COSIGN PRIVATE KEY} (older) whose body
 * is the JSON of go-securesystemslib's {@code encrypted} package: {@code {"kdf":{"name":"scrypt","params":{"N","r",
 * "p"},"salt"},"cipher":{"name":"nacl/secretbox","nonce"},"ciphertext"}} (byte fields base64). The key is
 * {@code scrypt(password, salt, N, r, p, 32)}, the ciphertext a NaCl secretbox (XSalsa20 + Poly1305, tag first) of a
 * PKCS#8 DER private key. Only the scrypt parameters that library writes are accepted (N = 2^15, 2^16 or 2^17,
 * r = 8, p = 1), as it does, so a tampered file cannot make us spend unbounded memory.
 */
public final class CosignKeys {
  public static final String SIGSTORE_PEM_TYPE = "ENCRYPTED SIGSTORE PRIVATE KEY";
  public static final String COSIGN_PEM_TYPE = "ENCRYPTED COSIGN PRIVATE KEY";
  private static final Set<Integer> SCRYPT_N = Set.of(1 << 15, 1 << 16, 1 << 17);

  /** Why a cosign key could not be opened; {@link #wrongPassword()} when the secretbox did not authenticate. */
  public static final class KeyException extends Exception {
    private final boolean wrongPassword;

    KeyException(String message, boolean wrongPassword) {
      super(message);
      this.wrongPassword = wrongPassword;
    }

    public boolean wrongPassword() {
      return wrongPassword;
    }
  }

  private CosignKeys() {}

  /** True when {@code pem} holds one of cosign's encrypted private key blocks. */
  public static boolean isCosignKey(String pem) {
    return pem.contains("-----BEGIN " + SIGSTORE_PEM_TYPE + "-----")
        || pem.contains("-----BEGIN " + COSIGN_PEM_TYPE + "-----");
  }

  /** The PKCS#8 DER private key inside {@code pem}, decrypted with {@code password} (may be empty, as cosign allows). */
  public static byte[] decrypt(String pem, char[] password) throws KeyException {
    String type = pem.contains("-----BEGIN " + SIGSTORE_PEM_TYPE + "-----") ? SIGSTORE_PEM_TYPE : COSIGN_PEM_TYPE;
    int begin = pem.indexOf("-----BEGIN " + type + "-----");
    int end = pem.indexOf("-----END " + type + "-----");
    if (begin < 0 || end < begin) {
      throw new KeyException("no complete " + type + " PEM block", false);
    }
    String body = pem.substring(begin + ("-----BEGIN " + type + "-----").length(), end).replaceAll("\\s", "");
    JsonNode json;
    try {
      json = Json.mapper().readTree(Base64.getDecoder().decode(body));
    } catch (IOException | IllegalArgumentException e) {
      throw new KeyException("the " + type + " block is not base64 JSON", false);
    }
    JsonNode kdf = json.path("kdf");
    JsonNode cipher = json.path("cipher");
    if (!"scrypt".equals(kdf.path("name").asText()) || !"nacl/secretbox".equals(cipher.path("name").asText())) {
      throw new KeyException("unsupported key encryption (kdf " + kdf.path("name").asText() + ", cipher "
          + cipher.path("name").asText() + "); expected scrypt and nacl/secretbox", false);
    }
    int n = kdf.path("params").path("N").asInt();
    int r = kdf.path("params").path("r").asInt();
    int p = kdf.path("params").path("p").asInt();
    if (!SCRYPT_N.contains(n) || r != 8 || p != 1) {
      throw new KeyException("unsupported scrypt parameters N=" + n + " r=" + r + " p=" + p, false);
    }
    byte[] salt;
    byte[] nonce;
    byte[] box;
    try {
      salt = Base64.getDecoder().decode(kdf.path("salt").asText());
      nonce = Base64.getDecoder().decode(cipher.path("nonce").asText());
      box = Base64.getDecoder().decode(json.path("ciphertext").asText());
    } catch (IllegalArgumentException e) {
      throw new KeyException("salt, nonce or ciphertext is not base64", false);
    }
    if (nonce.length != 24 || box.length < 16) {
      throw new KeyException("malformed secretbox (nonce of " + nonce.length + " bytes, box of " + box.length + ")",
          false);
    }
    byte[] pass = utf8(password);
    try {
      byte[] key = SCrypt.generate(pass, salt, n, r, p, 32);
      byte[] plain = secretboxOpen(box, nonce, key);
      Arrays.fill(key, (byte) 0);
      if (plain == null) {
        throw new KeyException("wrong password (the key does not decrypt)", true);
      }
      return plain;
    } finally {
      Arrays.fill(pass, (byte) 0);
    }
  }

  /** NaCl {@code crypto_secretbox_open}: box = Poly1305 tag (16 bytes) then ciphertext; null if the tag is wrong. */
  static byte[] secretboxOpen(byte[] box, byte[] nonce, byte[] key) {
    XSalsa20Engine xsalsa = new XSalsa20Engine();
    xsalsa.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
    // the first 32 bytes of the key stream are the one-time Poly1305 key; the message is XORed with the rest
    byte[] macKey = new byte[32];
    xsalsa.processBytes(new byte[32], 0, 32, macKey, 0);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    mac.update(box, 16, box.length - 16);
    byte[] tag = new byte[16];
    mac.doFinal(tag, 0);
    if (!MessageDigest.isEqual(tag, Arrays.copyOf(box, 16))) {
      return null;
    }
    byte[] plain = new byte[box.length - 16];
    xsalsa.processBytes(box, 16, plain.length, plain, 0);
    return plain;
  }

  private static byte[] utf8(char[] password) {
    if (password == null) {
      return new byte[0];
    }
    ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
