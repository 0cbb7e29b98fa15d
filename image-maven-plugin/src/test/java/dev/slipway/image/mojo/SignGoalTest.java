package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Redactor;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.sign.SignConfig;
import dev.slipway.image.sign.Statements;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.junit.jupiter.api.Test;

/**
 * image:sign's parameters as Maven binds them, skip, and the errors of bad configuration, in-process, on the
 * configuration the goal hands to its signer. Signing itself is tested in {@code dev.slipway.image.sign} and
 * {@code it/sign-it}.
 */
@MojoGoalTest
class SignGoalTest {
  static final String REF = "127.0.0.1:9/shop/app@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

  @Inject TestBuild build;

  /** An unencrypted EC P-256 PKCS#8 key in {@code keys/cosign.pem}, as {@code image.sign.key} takes it. */
  private void key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(g.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.createDirectories(build.path("keys"));
    Files.writeString(build.path("keys/cosign.pem"), pem, StandardCharsets.US_ASCII);
  }

  private static SignConfig config(SignMojo mojo) throws Exception {
    return mojo.config(Map.of(), new Redactor(), Instant.now());
  }

  private static void fails(SignMojo mojo, String message) {
    assertThatThrownBy(() -> config(mojo)).hasMessageContaining(message);
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
  }

  @Test
  @InjectMojo(goal = "sign")
  void defaults(SignMojo mojo) {
    assertThat(mojo.ref).isNull();
    assertThat(mojo.imageJson).isEqualTo(build.path("target/slipway/image.json").toFile());
    assertThat(mojo.signPlatforms).isFalse();
    assertThat(mojo.mode).isEqualTo("auto");
    assertThat(mojo.instance).isEqualTo("public-good");
    assertThat(mojo.trustedRoot).isNull();
    assertThat(mojo.signingConfig).isNull();
    assertThat(mojo.key).isNull();
    assertThat(mojo.keyPasswordEnv).isEqualTo("SLIPWAY_SIGN_KEY_PASSWORD");
    assertThat(mojo.keyPasswordServer).isNull();
    assertThat(mojo.kmsEndpoint).isNull();
    assertThat(mojo.annotations).isNullOrEmpty();
    assertThat(mojo.referrers).isTrue();
    assertThat(mojo.sbomDirectory).isEqualTo(build.path("target/slipway/sbom").toFile());
    assertThat(mojo.attestSbom).isTrue();
    assertThat(mojo.attestProvenance).isTrue();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.identityToken).isNull();
    assertThat(mojo.identityTokenEnv).isEqualTo("SIGSTORE_ID_TOKEN");
    assertThat(mojo.identityTokenFile).isNull();
    assertThat(mojo.identityTokenServer).isNull();
    assertThat(mojo.rekorUrl).isNull();
    assertThat(mojo.registryTimeout).isEqualTo("30s");
    assertThat(mojo.registryConnectTimeout).isEqualTo("10s");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.mode", value = "KEY")
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.sign.platforms")
  @UserProperty(name = "image.sign.annotations", value = "team=shop,pipeline=release")
  @UserProperty(name = "image.sign.referrers", value = "false")
  @UserProperty(name = "image.sign.sbomDirectory", value = "boms")
  @UserProperty(name = "image.sign.provenance", value = "false")
  @UserProperty(name = "image.insecureRegistries", value = "127.0.0.1:9")
  @UserProperty(name = "image.workDir", value = "out")
  void keyModeFromPropertiesAttestsTheSboms(SignMojo mojo) throws Exception {
    key();
    Files.createDirectories(build.path("boms"));
    Files.writeString(build.path("boms/app.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}");
    Files.writeString(build.path("boms/app.spdx.json"), "{}");
    SignConfig c = config(mojo);
    assertThat(c.image()).isEqualTo(ImageRef.parse(REF, "image.ref"));
    assertThat(c.mode()).isEqualTo(SignConfig.Mode.KEY);
    assertThat(c.key().describe()).isEqualTo("key file cosign.pem");
    assertThat(c.signPlatforms()).isTrue();
    assertThat(c.annotations()).isEqualTo(Map.of("team", "shop", "pipeline", "release"));
    assertThat(c.attachReferrers()).isFalse();
    assertThat(c.attestations()).as("the CycloneDX file only, no provenance")
        .extracting(SignConfig.Attestation::predicateType).containsExactly(Statements.CYCLONEDX);
    assertThat(c.insecureRegistry()).isTrue();
    assertThat(c.outputDir()).isEqualTo(build.path("out"));
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.sign.sbom", value = "false")
  void autoModeWithAKeySignsWithItAndAttestsProvenance(SignMojo mojo) throws Exception {
    key();
    SignConfig c = config(mojo);
    assertThat(c.mode()).isEqualTo(SignConfig.Mode.KEY);
    assertThat(c.attestations()).extracting(SignConfig.Attestation::predicateType)
        .containsExactly(Statements.SLSA_PROVENANCE_V1);
    assertThat(c.insecureRegistry()).isFalse();
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.sign.skip")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.mode", value = "sometimes")
  void skipDoesNothingNotEvenCheckTheConfiguration(SignMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:sign skipped (image.sign.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.skip")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.mode", value = "sometimes")
  void imageSkipSkipsItToo(SignMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:sign skipped (image.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.mode", value = "sometimes")
  void anUnknownModeListsTheModes(SignMojo mojo) {
    fails(mojo, "image.sign.mode = 'sometimes': expected auto, keyless or key");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.mode", value = "key")
  void keyModeWithoutAKey(SignMojo mojo) {
    fails(mojo, "image.sign.mode=key but image.sign.key is not set");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/missing.pem")
  void aKeyFileThatIsNotThere(SignMojo mojo) {
    fails(mojo, "image.sign.key");
    assertThatThrownBy(() -> config(mojo)).hasMessageContaining("does not exist");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.sign.annotations", value = "team")
  void anAnnotationWithoutValue(SignMojo mojo) throws Exception {
    key();
    fails(mojo, "image.sign.annotations: 'team' is not KEY=value");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.sign.keyPasswordEnv", value = "SLIPWAY_TEST_UNSET_VARIABLE")
  @UserProperty(name = "image.sign.keyPasswordServer", value = "signing-key")
  void aKeyPasswordServerThatSettingsDoNotHave(SignMojo mojo) throws Exception {
    key();
    fails(mojo, "image.sign.keyPasswordServer = 'signing-key': no such <server> in settings.xml");

    Server server = new Server();
    server.setId("signing-key");
    server.setPassword("unused-for-a-plain-key");
    build.session().getRequest().addServer(server);
    assertThat(config(mojo).mode()).as("found in settings.xml").isEqualTo(SignConfig.Mode.KEY);
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = "Not An Image")
  void aRefThatIsNoReference(SignMojo mojo) {
    fails(mojo, "image.ref = 'Not An Image' is not a valid image reference");
  }

  @Test
  @InjectMojo(goal = "sign")
  void withoutImageJsonOrRefItSaysWhatToDo(SignMojo mojo) {
    fails(mojo, "image:sign has no image: set image.ref, or run image:build first (it writes "
        + build.path("target/slipway/image.json") + ")");
  }

  @Test
  @InjectMojo(goal = "sign")
  void anImageThatWasNotPushedIsRefused(SignMojo mojo) throws Exception {
    SbomGoalTest.goneImage(build);
    fails(mojo, build.path("target/slipway/image.json") + ": /pushed is false: image:sign signs images in a registry");
  }

  private static SignConfig.TokenSource.Explicit token(SignConfig c) {
    assertThat(c.mode()).isEqualTo(SignConfig.Mode.KEYLESS);
    return (SignConfig.TokenSource.Explicit) c.keyless().token();
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  void theDefaultTokenVariableMakesItKeyless(SignMojo mojo) throws Exception {
    SignConfig c = mojo.config(Map.of("SIGSTORE_ID_TOKEN", "canary-oidc-1"), new Redactor(), Instant.now());
    assertThat(token(c).token()).isEqualTo("canary-oidc-1");
    assertThat(token(c).origin()).isEqualTo("SIGSTORE_ID_TOKEN");
    assertThat(c.keyless().instance()).isEqualTo(SignConfig.Instance.PUBLIC_GOOD);
    assertThat(c.rekor()).as("keyless logs through sigstore-java").isNull();
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.identityTokenEnv", value = "SHOP_OIDC")
  void identityTokenEnvNamesTheVariable(SignMojo mojo) throws Exception {
    Redactor redactor = new Redactor();
    SignConfig c = mojo.config(Map.of("SHOP_OIDC", "canary-oidc-2", "SIGSTORE_ID_TOKEN", "not-this-one"), redactor,
        Instant.now());
    assertThat(token(c).token()).isEqualTo("canary-oidc-2");
    assertThat(token(c).origin()).isEqualTo("SHOP_OIDC");
    assertThat(c.keyless().token().toString()).doesNotContain("canary-oidc-2");
    assertThat(redactor.redact("token canary-oidc-2")).isEqualTo("token ****");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.identityTokenFile", value = "ci/oidc-token")
  void identityTokenFileWinsOverTheVariable(SignMojo mojo) throws Exception {
    Files.createDirectories(build.path("ci"));
    Files.writeString(build.path("ci/oidc-token"), "  canary-oidc-3\n");
    SignConfig c = mojo.config(Map.of("SIGSTORE_ID_TOKEN", "not-this-one"), new Redactor(), Instant.now());
    assertThat(token(c).token()).isEqualTo("canary-oidc-3");
    assertThat(token(c).origin()).isEqualTo("image.sign.identityTokenFile " + build.path("ci/oidc-token"));
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.identityTokenFile", value = "ci/oidc-token")
  void anIdentityTokenFileThatIsNotThere(SignMojo mojo) {
    fails(mojo, "image.sign.identityTokenFile: " + build.path("ci/oidc-token") + " does not exist");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.identityTokenFile", value = "oidc-token")
  void anEmptyIdentityTokenFile(SignMojo mojo) throws Exception {
    Files.writeString(build.path("oidc-token"), " \n");
    fails(mojo, "image.sign.identityTokenFile: " + build.path("oidc-token") + " is empty");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.identityTokenServer", value = "sigstore-oidc")
  void identityTokenServerIsASettingsServer(SignMojo mojo) throws Exception {
    fails(mojo, "image.sign.identityTokenServer = 'sigstore-oidc': no such <server> in settings.xml");

    Server server = new Server();
    server.setId("sigstore-oidc");
    build.session().getRequest().addServer(server);
    fails(mojo, "image.sign.identityTokenServer = 'sigstore-oidc': the server has no <password> (it holds the token)");

    server.setPassword("canary-oidc-4");
    SignConfig c = mojo.config(Map.of("SIGSTORE_ID_TOKEN", "not-this-one"), new Redactor(), Instant.now());
    assertThat(token(c).token()).isEqualTo("canary-oidc-4");
    assertThat(token(c).origin()).isEqualTo("settings.xml server sigstore-oidc");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.identityToken", value = "canary-oidc-5")
  void theDeprecatedIdentityTokenWarnsAndIsRedacted(SignMojo mojo) throws Exception {
    Redactor redactor = new Redactor();
    SignConfig c = mojo.config(Map.of(), redactor, Instant.now());
    assertThat(token(c).token()).isEqualTo("canary-oidc-5");
    assertThat(token(c).origin()).isEqualTo("image.sign.identityToken (deprecated)");
    assertThat(build.log().lines()).anySatisfy(l -> assertThat(l)
        .startsWith("[WARNING] image.sign.identityToken is deprecated: Maven prints parameter values with -X."));
    assertThat(build.log().text()).doesNotContain("canary-oidc-5");
    assertThat(redactor.redact("canary-oidc-5")).isEqualTo("****");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.sign.rekorUrl", value = "http://127.0.0.1:9/")
  @UserProperty(name = "image.registry.timeout", value = "2m")
  @UserProperty(name = "image.registry.connectTimeout", value = "500ms")
  void rekorUrlAndRegistryTimeoutsBind(SignMojo mojo) throws Exception {
    key();
    SignConfig c = config(mojo);
    assertThat(c.rekor().url()).isEqualTo("http://127.0.0.1:9/");
    assertThat(c.registryAccess().timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.registryAccess().connectTimeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.sign.rekorUrl", value = "rekor.sigstore.dev")
  void aRekorUrlWithoutScheme(SignMojo mojo) throws Exception {
    key();
    fails(mojo, "image.sign.rekorUrl = 'rekor.sigstore.dev' is not a URL (expected e.g. https://rekor.sigstore.dev)");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.registry.timeout", value = "0s")
  void aZeroRegistryTimeout(SignMojo mojo) throws Exception {
    key();
    fails(mojo, "image.registry.timeout = '0s': must be a positive duration such as 30s");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.ref", value = REF)
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.registry.connectTimeout", value = "-1s")
  void aNegativeRegistryConnectTimeout(SignMojo mojo) throws Exception {
    key();
    fails(mojo, "image.registry.connectTimeout = '-1s': must be a positive duration such as 30s");
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.sign.key", value = "keys/cosign.pem")
  @UserProperty(name = "image.registry.timeout", value = "300ms")
  void theRegistryTimeoutIsTheOneTheSignerWaits(SignMojo mojo) throws Exception {
    key();
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
