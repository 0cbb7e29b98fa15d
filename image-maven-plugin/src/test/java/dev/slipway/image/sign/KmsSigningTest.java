package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.TestImages;
import dev.slipway.testkit.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Key signing through the AWS KMS Sign API (the real SDK client against a local KMS), checked with openssl. */
class KmsSigningTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  static LocalKms kms;
  @TempDir Path out;
  @TempDir Path work;

  @BeforeAll
  static void start() throws Exception {
    kms = new LocalKms();
    // the SDK's default credential chain reads these first; never real credentials
    System.setProperty("aws.accessKeyId", "AKIDLOCALKMSTEST0000");
    System.setProperty("aws.secretAccessKey", "local-kms-test-secret");
  }

  @AfterAll
  static void stop() {
    kms.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void signsThroughKmsAndOpensslVerifiesWithTheKmsPublicKey() throws Exception {
    RegistryClient c = new RegistryClient(registry.hostPort(), "kms/app", null, true, Log.silent());
    String digest = TestImages.pushManifest(c, "amd64", "kms");
    KeySigner key = AwsKmsKeySigner.create("awskms:///" + kms.keyArn, kms.endpoint(), "image.sign.key");
    assertThat(key.describe()).isEqualTo("AWS KMS key " + kms.keyArn);
    SignResult result = new ImageSigner(Log.silent(), null).sign(new SignConfig(
        ImageRef.parse(registry.hostPort() + "/kms/app@" + digest, "image.ref"), false, SignConfig.Mode.KEY, null,
        key, Map.of(), out, true, List.of(), null, true, null));
    assertThat(kms.calls).contains("TrentService.Sign", "TrentService.GetPublicKey");

    CosignLayout.Layer layer = new CosignLayout(c).read(digest, CosignLayout.SIG).get(0);
    Path payload = Files.write(work.resolve("payload.json"), layer.content());
    Path sig = Files.write(work.resolve("payload.sig"),
        Base64.getDecoder().decode(layer.annotations().get(CosignLayout.ANN_SIGNATURE)));
    Path pub = Files.writeString(work.resolve("kms.pub.pem"), "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(kms.keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    assertThat(Openssl.verify(work, pub, sig, payload)).isTrue();
    assertThat(SimpleSigning.parse(layer.content()).manifestDigest()).isEqualTo(digest);
    assertThat(result.signer()).isEqualTo(SigstoreBundles.keyId(kms.keys.getPublic()));

    dev.slipway.common.image.VerifiedImage v = new ImageVerifier(Log.silent()).verify(new VerifyConfig(
        ImageRef.parse(registry.hostPort() + "/kms/app@" + digest, "image.ref"),
        new VerifyConfig.Key(PublicKeys.load(pub, "image.verify.publicKey"), "kms.pub.pem"), List.of(), out, null,
        true));
    assertThat(v.digest()).isEqualTo(digest);
  }

  @Test
  void unknownKeyIsAnEnvironmentFailureNamingTheKey() throws Exception {
    KeySigner key = AwsKmsKeySigner.create("awskms:///arn:aws:kms:eu-west-1:111122223333:key/missing", kms.endpoint(),
        "image.sign.key");
    assertThatThrownBy(() -> key.sign(new byte[] {1, 2, 3}))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("key/missing")
        .hasMessageNotContaining("local-kms-test-secret");
  }

  @Test
  void malformedUriNamesTheAcceptedForms() {
    assertThatThrownBy(() -> AwsKmsKeySigner.create("awskms://", null, "image.sign.key"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("awskms:///arn:aws:kms:REGION:ACCOUNT:key/ID");
  }
}
