package dev.slipway.image.sign;

import dev.slipway.common.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Public keys from PEM ({@code -----BEGIN PUBLIC KEY-----}, SubjectPublicKeyInfo), as cosign and openssl write them. */
public final class PublicKeys {
  private PublicKeys() {}

  public static PublicKey load(Path file, String parameter) throws InvalidInputException {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(parameter + ": " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidInputException(parameter + ": cannot read " + file + ": " + e.getMessage());
    }
    int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
    int end = pem.indexOf("-----END PUBLIC KEY-----");
    if (begin < 0 || end < begin) {
      throw new InvalidInputException(parameter + ": " + file + " is not a PEM public key (expected -----BEGIN PUBLIC "
          + "KEY-----, e.g. from: openssl pkey -in key.pem -pubout)");
    }
    String b64 = pem.substring(begin + 26, end).replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidInputException(parameter + ": " + file + " holds no EC public key (" + e.getMessage() + ")");
    }
  }
}
