package dev.slipway.image.sign;

import dev.slipway.common.InvalidInputException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * An EC P-256 private key from a PEM file: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}, as {@code openssl pkcs8 -topk8} writes it), SEC1 ({@code EC PRIVATE KEY}) or
 * cosign's own {@code cosign.key} ({@code ENCRYPTED SIGSTORE PRIVATE KEY} / {@code ENCRYPTED COSIGN PRIVATE KEY}).
 * Signing goes through the JCA. Error messages name the file, never its content or the password.
 */
public final class PemKeySigner implements KeySigner {
  // used for decryption only, never registered globally
  private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private final Path file;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private PemKeySigner(Path file, PrivateKey privateKey, PublicKey publicKey) {
    this.file = file;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** Loads {@code file}; {@code password} is needed only for an encrypted key. {@code parameter} names the setting. */
  public static PemKeySigner load(Path file, char[] password, String parameter) throws InvalidInputException {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(parameter + ": key file " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidInputException(parameter + ": cannot read key file " + file + " (" + e.getClass().getSimpleName()
          + ")");
    }
    if (CosignKeys.isCosignKey(pem)) {
      return loadCosign(file, pem, password, parameter);
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(parameter + ": " + file + " is not a PEM file (expected -----BEGIN PRIVATE KEY-----"
          + " or -----BEGIN ENCRYPTED PRIVATE KEY-----)");
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey key;
      if (parsed instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        if (password == null || password.length == 0) {
          throw new InvalidInputException(parameter + ": " + file + " is encrypted: give its password through the "
              + "environment variable named by image.sign.keyPasswordEnv (default SLIPWAY_SIGN_KEY_PASSWORD) or a "
              + "settings.xml server named by image.sign.keyPasswordServer");
        }
        try {
          key = converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
              new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password)));
        } catch (PKCSException e) {
          throw new InvalidInputException(parameter + ": cannot decrypt " + file + ": wrong password?");
        }
      } else if (parsed instanceof PrivateKeyInfo info) {
        key = converter.getPrivateKey(info);
      } else if (parsed instanceof PEMKeyPair pair) {
        key = converter.getPrivateKey(pair.getPrivateKeyInfo());
      } else {
        throw new InvalidInputException(parameter + ": " + file + " holds no private key (found "
            + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()) + "); expected an EC P-256 key in PKCS#8"
            + " PEM, e.g. from: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256");
      }
      if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new InvalidInputException(parameter + ": " + file + " is a " + key.getAlgorithm()
            + " key; Slipway signs with EC P-256 keys (ECDSA SHA-256), as cosign does");
      }
      return new PemKeySigner(file, key, derivePublic(ec));
    } catch (InvalidInputException e) {
      throw e;
    } catch (Exception e) {
      throw new InvalidInputException(parameter + ": cannot load the key in " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** cosign's own {@code cosign.key}: scrypt + NaCl secretbox around a PKCS#8 key (see {@link CosignKeys}). */
  private static PemKeySigner loadCosign(Path file, String pem, char[] password, String parameter)
      throws InvalidInputException {
    byte[] pkcs8;
    try {
      pkcs8 = CosignKeys.decrypt(pem, password);
    } catch (CosignKeys.KeyException e) {
      if (e.wrongPassword()) {
        throw new InvalidInputException(parameter + ": cannot decrypt the cosign key " + file + ": wrong password? "
            + "(cosign keys take the password given to cosign generate-key-pair, through the environment variable "
            + "named by image.sign.keyPasswordEnv or the settings.xml server named by image.sign.keyPasswordServer)");
      }
      throw new InvalidInputException(parameter + ": " + file + " is not a cosign key Slipway can read: "
          + e.getMessage());
    }
    try {
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
      if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new InvalidInputException(parameter + ": the cosign key " + file + " is not an EC P-256 key; Slipway "
            + "signs with ECDSA P-256 / SHA-256 (cosign generate-key-pair's default)");
      }
      return new PemKeySigner(file, key, derivePublic(ec));
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException(parameter + ": the cosign key " + file + " holds no EC private key ("
          + e.getClass().getSimpleName() + "); Slipway signs with EC P-256 keys");
    } finally {
      java.util.Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static PublicKey derivePublic(ECPrivateKey key) throws GeneralSecurityException {
    ECNamedCurveParameterSpec spec = ECNamedCurveTable.getParameterSpec("secp256r1");
    org.bouncycastle.math.ec.ECPoint q = spec.getG().multiply(key.getS()).normalize();
    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
  }

  @Override
  public byte[] sign(byte[] data) throws SigningException {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(privateKey);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new SigningException("signing with the key in " + file + " failed: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public String describe() {
    return "key file " + file.getFileName();
  }
}
