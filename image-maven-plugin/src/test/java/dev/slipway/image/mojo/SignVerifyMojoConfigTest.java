package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.sign.SignConfig;
import dev.slipway.image.sign.Statements;
import dev.slipway.image.sign.VerifyConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.maven.model.Model;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mojos' parameter checks: every bad combination names the parameter and what is accepted. */
class SignVerifyMojoConfigTest {
  @TempDir Path dir;

  private SignMojo sign() {
    SignMojo m = new SignMojo();
    Model model = new Model();
    model.setGroupId("dev.slipway.test");
    model.setArtifactId("app");
    model.setVersion("1.0");
    MavenProject project = new MavenProject(model);
    project.setFile(dir.resolve("pom.xml").toFile());
    m.project = project;
    m.imageJson = dir.resolve("target/slipway/image.json").toFile();
    m.workDir = dir.resolve("target/slipway").toFile();
    m.mode = "auto";
    m.instance = "public-good";
    m.keyPasswordEnv = "SLIPWAY_SIGN_KEY_PASSWORD";
    m.referrers = true;
    m.attestProvenance = true;
    m.attestSbom = true;
    m.ref = "127.0.0.1:5000/app@sha256:" + "a".repeat(64);
    return m;
  }

  private VerifyMojo verify() {
    VerifyMojo m = new VerifyMojo();
    m.ref = "127.0.0.1:5000/app:1.0";
    m.workDir = dir.toFile();
    m.instance = "public-good";
    return m;
  }

  @Test
  void signChoosesModesAndRejectsBadValues() throws Exception {
    SignMojo m = sign();
    assertThatThrownBy(() -> m.config(Map.of(), new Redactor(), Instant.now()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("nothing to sign with");

    m.mode = "sometimes";
    assertThatThrownBy(() -> m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now()))
        .hasMessageContaining("image.sign.mode = 'sometimes'").hasMessageContaining("auto, keyless or key");

    m.mode = "auto";
    m.trustedRoot = dir.resolve("trusted_root.json").toFile();
    assertThatThrownBy(() -> m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now()))
        .hasMessageContaining("needs both image.sign.trustedRoot and image.sign.signingConfig");
    m.signingConfig = dir.resolve("signing_config.json").toFile();
    assertThatThrownBy(() -> m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now()))
        .hasMessageContaining("image.sign.trustedRoot").hasMessageContaining("does not exist");

    m.trustedRoot = null;
    m.signingConfig = null;
    m.instance = "prod";
    assertThatThrownBy(() -> m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now()))
        .hasMessageContaining("image.sign.instance = 'prod'").hasMessageContaining("public-good or staging");

    m.instance = "staging";
    SignConfig keyless = m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now());
    assertThat(keyless.mode()).isEqualTo(SignConfig.Mode.KEYLESS);
    assertThat(keyless.keyless().instance()).isEqualTo(SignConfig.Instance.STAGING);
    assertThat(keyless.attestations()).extracting(SignConfig.Attestation::predicateType)
        .containsExactly(Statements.SLSA_PROVENANCE_V1);

    m.key = "missing.pem";
    assertThatThrownBy(() -> m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now()))
        .hasMessageContaining("image.sign.key").hasMessageContaining("does not exist");
  }

  @Test
  void signReadsImageJsonAndRefusesAnUnpushedImage() throws Exception {
    SignMojo m = sign();
    m.ref = null;
    assertThatThrownBy(() -> m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now()))
        .hasMessageContaining("set image.ref, or run image:build first");
    Files.createDirectories(dir.resolve("target/slipway"));
    String digest = "sha256:" + "b".repeat(64);
    new BuiltImage(1, "127.0.0.1:5000/app@" + digest, "127.0.0.1:5000/app", List.of(), digest, null, List.of(),
        "/x", false, null, null).write(m.imageJson.toPath());
    assertThatThrownBy(() -> m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now()))
        .hasMessageContaining("/pushed is false");
    new BuiltImage(1, "127.0.0.1:5000/app@" + digest, "127.0.0.1:5000/app", List.of(), digest, null, List.of(),
        null, true, new BuiltImage.Base("eclipse-temurin:17-jre", "sha256:" + "c".repeat(64)), null)
        .write(m.imageJson.toPath());
    m.insecureRegistries = List.of("127.0.0.1:5000");
    SignConfig c = m.config(Map.of("SIGSTORE_ID_TOKEN", "a.b.c"), new Redactor(), Instant.now());
    assertThat(c.image().digest()).isEqualTo(digest);
    assertThat(c.insecureRegistry()).isTrue();
    com.fasterxml.jackson.databind.JsonNode provenance =
        dev.slipway.common.Json.mapper().readTree(c.attestations().get(0).predicateJson());
    assertThat(provenance.at("/buildDefinition/resolvedDependencies/0/uri").asText())
        .isEqualTo("oci://eclipse-temurin:17-jre");
    assertThat(provenance.at("/buildDefinition/externalParameters/maven/artifactId").asText()).isEqualTo("app");
  }

  @Test
  void keyPasswordComesFromTheEnvironmentOrASettingsServerAndIsRedacted() throws Exception {
    String password = "canary-settings-pass-2c7e";
    run(dir, openssl(), "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "plain.pem");
    run(dir, openssl(), "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "plain.pem", "-out", "key.pem", "-passout",
        "pass:" + password);
    SignMojo m = sign();
    m.key = "key.pem";
    m.mode = "key";
    assertThatThrownBy(() -> m.config(Map.of(), new Redactor(), Instant.now())).hasMessageContaining("is encrypted");

    Redactor fromEnv = new Redactor();
    SignConfig c = m.config(Map.of("SLIPWAY_SIGN_KEY_PASSWORD", password), fromEnv, Instant.now());
    assertThat(c.key().describe()).isEqualTo("key file key.pem");
    assertThat(fromEnv.redact("pw=" + password)).isEqualTo("pw=****");

    org.apache.maven.settings.Settings settings = new org.apache.maven.settings.Settings();
    org.apache.maven.settings.Server server = new org.apache.maven.settings.Server();
    server.setId("signing-key");
    server.setPassword(password);
    settings.addServer(server);
    m.settings = settings;
    m.keyPasswordServer = "signing-key";
    Redactor fromSettings = new Redactor();
    assertThat(m.config(Map.of(), fromSettings, Instant.now()).mode()).isEqualTo(SignConfig.Mode.KEY);
    assertThat(fromSettings.redact(password)).isEqualTo("****");
    m.keyPasswordServer = "nope";
    assertThatThrownBy(() -> m.config(Map.of(), new Redactor(), Instant.now()))
        .hasMessageContaining("image.sign.keyPasswordServer = 'nope'");
  }

  private static String openssl() {
    return dev.slipway.testkit.Tools.require("openssl", "openssl").toString();
  }

  private static void run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void verifyNeedsExactlyOnePolicyAndValidValues() throws Exception {
    VerifyMojo m = verify();
    assertThatThrownBy(() -> m.config(new Redactor())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image.verify.identity").hasMessageContaining("image.verify.publicKey");
    m.identity = "ci@example.com";
    assertThatThrownBy(() -> m.config(new Redactor())).hasMessageContaining("image.verify.issuer");
    m.issuer = "https://accounts.example.com";
    m.identityRegex = ".*";
    assertThatThrownBy(() -> m.config(new Redactor())).hasMessageContaining("image.verify.identityRegex");
    m.identity = null;
    m.identityRegex = "(unclosed";
    assertThatThrownBy(() -> m.config(new Redactor()))
        .hasMessageContaining("image.verify.identityRegex = '(unclosed' is not a valid regular expression");
    m.identityRegex = ".*@example\\.com";
    m.predicateTypes = List.of("cyclonedx,slsa-provenance", "https://example.com/custom/v1");
    VerifyConfig c = m.config(new Redactor());
    assertThat(c.policy()).isInstanceOf(VerifyConfig.Keyless.class);
    assertThat(c.requiredPredicateTypes()).containsExactly(Statements.CYCLONEDX, Statements.SLSA_PROVENANCE_V1,
        "https://example.com/custom/v1");
    m.predicateTypes = List.of("spdx");
    assertThatThrownBy(() -> m.config(new Redactor())).hasMessageContaining("'spdx'")
        .hasMessageContaining("cyclonedx, slsa-provenance");
    m.predicateTypes = null;
    m.publicKey = new File(dir.toFile(), "pub.pem");
    assertThatThrownBy(() -> m.config(new Redactor())).hasMessageContaining("not both");
    m.identityRegex = null;
    m.issuer = null;
    assertThatThrownBy(() -> m.config(new Redactor())).hasMessageContaining("image.verify.publicKey")
        .hasMessageContaining("does not exist");
    m.ref = "Not A Ref";
    assertThatThrownBy(() -> m.config(new Redactor())).hasMessageContaining("image.ref = 'Not A Ref'");
  }
}
