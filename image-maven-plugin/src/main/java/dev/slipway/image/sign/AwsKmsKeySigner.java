package dev.slipway.image.sign;

import dev.slipway.common.InvalidInputException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * A key in AWS KMS, named as cosign names it: {@code awskms://[ENDPOINT]/KEY} where KEY is a key ARN, alias ARN, key
 * id or {@code alias/NAME}. The private key never leaves KMS: the {@code Sign} API signs the SHA-256 digest
 * ({@code MessageType.DIGEST}, {@code ECDSA_SHA_256}) and {@code GetPublicKey} gives the public key. Credentials come
 * from the SDK's default chain; the region from the ARN, else the SDK's default chain.
 */
public final class AwsKmsKeySigner implements KeySigner {
  private static final Pattern URI_FORM = Pattern.compile("awskms://([^/]*)/(.+)");
  private static final Pattern ARN_REGION = Pattern.compile("arn:aws[a-z-]*:kms:([a-z0-9-]+):.*");

  private final KmsClient kms;
  private final String keyId;
  private PublicKey publicKey;

  private AwsKmsKeySigner(KmsClient kms, String keyId) {
    this.kms = kms;
    this.keyId = keyId;
  }

  public static boolean isKmsUri(String key) {
    return key != null && key.startsWith("awskms://");
  }

  /** {@code endpointOverride} (a URL) wins over an endpoint in the URI. */
  public static AwsKmsKeySigner create(String uri, String endpointOverride, String parameter)
      throws InvalidInputException {
    Matcher m = URI_FORM.matcher(uri.strip());
    if (!m.matches()) {
      throw new InvalidInputException(parameter + " = '" + uri + "': expected awskms:///arn:aws:kms:REGION:ACCOUNT:"
          + "key/ID (or awskms://ENDPOINT/alias/NAME)");
    }
    String endpoint = endpointOverride != null && !endpointOverride.isBlank() ? endpointOverride.strip()
        : m.group(1).isEmpty() ? null : "https://" + m.group(1);
    String keyId = m.group(2);
    KmsClientBuilder builder = KmsClient.builder()
        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder());
    Matcher arn = ARN_REGION.matcher(keyId);
    if (arn.matches()) {
      builder.region(Region.of(arn.group(1)));
    }
    if (endpoint != null) {
      try {
        builder.endpointOverride(URI.create(endpoint));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("image.sign.kmsEndpoint = '" + endpoint + "' is not a URL");
      }
    }
    try {
      return new AwsKmsKeySigner(builder.build(), keyId);
    } catch (SdkException e) {
      throw new InvalidInputException(parameter + ": cannot set up the AWS KMS client (" + e.getMessage()
          + "); set AWS_REGION or use a key ARN");
    }
  }

  @Override
  public byte[] sign(byte[] data) throws SigningException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
      SignResponse r = kms.sign(b -> b.keyId(keyId).message(SdkBytes.fromByteArray(digest))
          .messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
      return r.signature().asByteArray();
    } catch (SdkException | GeneralSecurityException e) {
      throw new SigningException("AWS KMS Sign with key " + keyId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized PublicKey publicKey() throws SigningException {
    if (publicKey == null) {
      try {
        GetPublicKeyResponse r = kms.getPublicKey(b -> b.keyId(keyId));
        if (r.keySpec() != KeySpec.ECC_NIST_P256) {
          throw new SigningException("AWS KMS key " + keyId + " is " + r.keySpecAsString()
              + "; Slipway signs with ECC_NIST_P256 keys (ECDSA SHA-256), as cosign does");
        }
        publicKey = KeyFactory.getInstance("EC")
            .generatePublic(new X509EncodedKeySpec(r.publicKey().asByteArray()));
      } catch (SdkException | GeneralSecurityException e) {
        throw new SigningException("AWS KMS GetPublicKey for key " + keyId + " failed: " + e.getMessage(), e);
      }
    }
    return publicKey;
  }

  @Override
  public String describe() {
    return "AWS KMS key " + keyId;
  }
}
