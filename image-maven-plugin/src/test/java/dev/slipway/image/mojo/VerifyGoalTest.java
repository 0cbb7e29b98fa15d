package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Redactor;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.sign.SignConfig;
import dev.slipway.image.sign.Statements;
import dev.slipway.image.sign.VerifyConfig;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * image:verify's parameters as Maven binds them, skip, and the errors of bad policies, in-process, on the
 * configuration the goal hands to its verifier. Verification itself is tested in {@code dev.slipway.image.sign}
 * and {@code it/sign-it}.
 */
@MojoGoalTest
class VerifyGoalTest {
  static final String REF = "127.0.0.1:9/shop/app:1.0";
  static final String ISSUER = "https://token.actions.githubusercontent.com";

  @Inject TestBuild build;

  private static void fails(VerifyMojo mojo, String message) {
    assertThatThrownBy(() -> mojo.config(new Redactor())).hasMessageContaining(message);
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
  }

  @Test
  @InjectMojo(goal = "verify")
  void defaults(VerifyMojo mojo) {
    assertThat(mojo.ref).isNull();
    assertThat(mojo.imageJson).isEqualTo(build.path("target/slipway/image.json").toFile());
    assertThat(mojo.identity).isNull();
    assertThat(mojo.identityRegex).isNull();
    assertThat(mojo.issuer).isNull();
    assertThat(mojo.publicKey).isNull();
    assertThat(mojo.instance).isEqualTo("public-good");
    assertThat(mojo.trustedRoot).isNull();
    assertThat(mojo.predicateTypes).isNullOrEmpty();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.requireTlog).isFalse();
    assertThat(mojo.registryTimeout).isEqualTo("30s");
    assertThat(mojo.registryConnectTimeout).isEqualTo("10s");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.identityRegex", value = "https://github\\.com/shop/.*")
  @UserProperty(name = "image.verify.issuer", value = ISSUER)
  @UserProperty(name = "image.verify.instance", value = "staging")
  @UserProperty(name = "image.verify.predicateTypes", value = "cyclonedx,slsa-provenance,https://example.com/v1")
  @UserProperty(name = "image.insecureRegistries", value = "127.0.0.1:9")
  void aKeylessPolicyFromProperties(VerifyMojo mojo) throws Exception {
    VerifyConfig c = mojo.config(new Redactor());
    assertThat(c.image()).isEqualTo(ImageRef.parse(REF, "image.ref"));
    assertThat(c.policy()).isEqualTo(new VerifyConfig.Keyless(null, "https://github\\.com/shop/.*", ISSUER,
        SignConfig.Instance.STAGING, null));
    assertThat(c.requiredPredicateTypes()).containsExactly(Statements.CYCLONEDX, Statements.SLSA_PROVENANCE_V1,
        "https://example.com/v1");
    assertThat(c.outputDir()).isEqualTo(build.path("target/slipway"));
    assertThat(c.insecureRegistry()).isTrue();
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.verify.skip")
  @UserProperty(name = "image.ref", value = REF)
  void skipDoesNothingNotEvenCheckTheConfiguration(VerifyMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:verify skipped (image.verify.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  void noPolicySaysWhatAPolicyIs(VerifyMojo mojo) {
    fails(mojo, "image:verify needs who must have signed: image.verify.identity (exact) or "
        + "image.verify.identityRegex, plus image.verify.issuer");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.identity", value = "ci@shop.example")
  @UserProperty(name = "image.verify.publicKey", value = "cosign.pub")
  void keyAndIdentityTogether(VerifyMojo mojo) {
    fails(mojo, "give either image.verify.publicKey (key signatures) or image.verify.identity/identityRegex + "
        + "image.verify.issuer (keyless), not both");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.publicKey", value = "cosign.pub")
  void aPublicKeyThatIsNotThere(VerifyMojo mojo) {
    fails(mojo, "image.verify.publicKey");
    assertThatThrownBy(() -> mojo.config(new Redactor())).hasMessageContaining("does not exist");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.identityRegex", value = "(unclosed")
  @UserProperty(name = "image.verify.issuer", value = ISSUER)
  void aRegexThatIsNone(VerifyMojo mojo) {
    fails(mojo, "image.verify.identityRegex = '(unclosed' is not a valid regular expression");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.identity", value = "ci@shop.example")
  @UserProperty(name = "image.verify.issuer", value = ISSUER)
  @UserProperty(name = "image.verify.instance", value = "prod")
  void anUnknownInstanceListsTheInstances(VerifyMojo mojo) {
    fails(mojo, "image.verify.instance = 'prod': expected public-good or staging (or set image.verify.trustedRoot)");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.identity", value = "ci@shop.example")
  @UserProperty(name = "image.verify.issuer", value = ISSUER)
  @UserProperty(name = "image.verify.trustedRoot", value = "trusted_root.json")
  void aTrustedRootThatIsNotThere(VerifyMojo mojo) {
    fails(mojo, "image.verify.trustedRoot: " + build.path("trusted_root.json") + " does not exist");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.identity", value = "ci@shop.example")
  @UserProperty(name = "image.verify.issuer", value = ISSUER)
  @UserProperty(name = "image.verify.predicateTypes", value = "cyclonedx,spdx")
  void anUnknownPredicateTypeListsTheShortNames(VerifyMojo mojo) {
    fails(mojo, "image.verify.predicateTypes: 'spdx' is neither a predicate type URI nor one of cyclonedx, "
        + "slsa-provenance");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = "Not An Image")
  void aRefThatIsNoReference(VerifyMojo mojo) {
    fails(mojo, "image.ref = 'Not An Image' is not a valid image reference");
  }

  @Test
  @InjectMojo(goal = "verify")
  void withoutRefOrImageJsonItSaysWhatToDo(VerifyMojo mojo) {
    fails(mojo, "image:verify has no image: set image.ref");
  }

  /** An EC P-256 public key in {@code cosign.pub}, as {@code image.verify.publicKey} takes it. */
  private void publicKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    Files.writeString(build.path("cosign.pub"), "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(g.generateKeyPair().getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n", StandardCharsets.US_ASCII);
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.publicKey", value = "cosign.pub")
  @UserProperty(name = "image.verify.trustedRoot", value = "trusted_root.json")
  @UserProperty(name = "image.verify.requireTlog")
  @UserProperty(name = "image.registry.timeout", value = "45s")
  @UserProperty(name = "image.registry.connectTimeout", value = "2s")
  void aKeyPolicyThatRequiresTheLogAndRegistryTimeoutsFromProperties(VerifyMojo mojo) throws Exception {
    publicKey();
    Files.writeString(build.path("trusted_root.json"), "{}");
    VerifyConfig c = mojo.config(new Redactor());
    VerifyConfig.Key policy = (VerifyConfig.Key) c.policy();
    assertThat(policy.source()).isEqualTo("cosign.pub");
    assertThat(policy.trustedRoot()).isEqualTo(build.path("trusted_root.json"));
    assertThat(policy.requireTlog()).isTrue();
    assertThat(c.registryAccess().timeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.registryAccess().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.insecureRegistry()).isFalse();
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.publicKey", value = "cosign.pub")
  void aKeyPolicyByDefaultAcceptsSignaturesWithoutLogEntries(VerifyMojo mojo) throws Exception {
    publicKey();
    VerifyConfig.Key policy = (VerifyConfig.Key) mojo.config(new Redactor()).policy();
    assertThat(policy.requireTlog()).isFalse();
    assertThat(policy.trustedRoot()).isNull();
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.publicKey", value = "cosign.pub")
  @UserProperty(name = "image.verify.requireTlog")
  void requireTlogWithoutATrustedRoot(VerifyMojo mojo) throws Exception {
    publicKey();
    fails(mojo, "image.verify.requireTlog needs image.verify.trustedRoot: the trusted root whose Rekor keys the "
        + "transparency log entries are checked against");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.verify.imageJson", value = "out/image.json")
  void imageJsonByProperty(VerifyMojo mojo) throws Exception {
    assertThat(mojo.imageJson).isEqualTo(build.path("out/image.json").toFile());
    SbomGoalTest.goneImage(build);
    Files.createDirectories(build.path("out"));
    Files.move(build.path("target/slipway/image.json"), build.path("out/image.json"));
    mojo.identity = "ci@shop.example";
    mojo.issuer = ISSUER;
    assertThat(mojo.config(new Redactor()).image().digest()).isEqualTo(SbomGoalTest.DIGEST);
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.verify.identity", value = "ci@shop.example")
  @UserProperty(name = "image.verify.issuer", value = ISSUER)
  @UserProperty(name = "image.registry.timeout", value = "forever")
  void aRegistryTimeoutThatIsNoDuration(VerifyMojo mojo) {
    fails(mojo, "image.registry.timeout: 'forever' is not a duration; write e.g. 500ms, 30s, 2m");
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.verify.identity", value = "ci@shop.example")
  @UserProperty(name = "image.verify.issuer", value = ISSUER)
  @UserProperty(name = "image.registry.timeout", value = "300ms")
  void theRegistryTimeoutIsTheOneTheVerifierWaits(VerifyMojo mojo) throws Exception {
    try (SilentRegistry registry = new SilentRegistry()) {
      mojo.ref = registry.hostPort() + "/shop/app:1.0";
      mojo.insecureRegistries = java.util.List.of(registry.hostPort());
      assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
          .hasMessageContaining("registry " + registry.hostPort())
          .hasMessageContaining("neither answered nor took any data for 300 ms")
          .hasMessageContaining("image.registry.timeout"); // connected and waited: not "connection refused"
    }
  }
}
