package dev.slipway.signit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.Tools;
import dev.slipway.testkit.sigstore.FakeSigstore;
import dev.slipway.testkit.sigstore.NodeVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * image:sign and image:verify as a user runs them: forked Maven builds of a small project, signing an image in the
 * local registry keylessly (Fulcio over gRPC+TLS, Rekor v1, and Rekor v2 + TSA for the provenance attestation, all
 * fakes) or with an encrypted key, then verifying it
 * standalone ({@code mvn ...:verify -Dimage.ref=...}, no project).
 */
class SignGoalsIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();
  @TempDir Path dir;

  static final String IDENTITY = "https://github.com/slipway-dev/demo/.github/workflows/release.yml@refs/heads/main";
  static final String PLUGIN = "dev.slipway:image-maven-plugin:" + System.getProperty("slipway.version",
      "0.1.0-SNAPSHOT");

  /** A copy of the test project with image.json saying {@code digest} of {@code repo} was pushed. */
  private Path project(String repo, String digest) throws IOException {
    Path source = Path.of(System.getProperty("slipway.projects")).resolve("signed-app");
    Path target = dir.resolve("signed-app");
    Files.createDirectories(target.resolve("target/slipway"));
    Files.copy(source.resolve("pom.xml"), target.resolve("pom.xml"), StandardCopyOption.REPLACE_EXISTING);
    new BuiltImage(1, repo + "@" + digest, repo, List.of("1.0"), digest, MediaTypes.OCI_INDEX, List.of(), null, true,
        new BuiltImage.Base("eclipse-temurin:17-jre", "sha256:" + "cd".repeat(32)), "2026-01-01T00:00:00Z")
        .write(target.resolve("target/slipway/image.json"));
    return target;
  }

  /** Arguments that reach the fakes and the plain-HTTP registry, and keep CI's own OIDC variables out. */
  private MavenRun maven(Path in) {
    MavenRun run = MavenRun.in(in).env("ACTIONS_ID_TOKEN_REQUEST_URL", "").env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
        .env("SIGSTORE_ID_TOKEN", "").args("-Dimage.insecureRegistries=" + registry.hostPort());
    sigstore.jvmTrustArgs().forEach(run::args);
    return run;
  }

  @Test
  void keylessSignInTheVerifyPhaseThenStandaloneVerify() throws Exception {
    String repo = registry.hostPort() + "/it/keyless";
    String digest = pushIndex(new RegistryClient(registry.hostPort(), "it/keyless", null, true, Log.silent()), "1.0");
    Path project = project(repo, digest);
    String token = FakeSigstore.token(IDENTITY);

    MavenRun.Result signed = maven(project).env("SIGSTORE_ID_TOKEN", token).args("verify",
        "-Dimage.sign.trustedRoot=" + sigstore.trustedRoot(), "-Dimage.sign.signingConfig=" + sigstore.signingConfig())
        .run();
    assertThat(signed.succeeded()).as(signed.log()).isTrue();
    assertThat(signed.log()).contains("Signed " + repo + "@" + digest).contains(IDENTITY)
        .contains("1 attestation(s)").doesNotContain(token);

    JsonNode result = Json.mapper().readTree(project.resolve("target/slipway/signatures/signatures.json").toFile());
    assertThat(result.path("signer").asText()).isEqualTo(IDENTITY);
    assertThat(result.path("attestations").get(0).path("predicateType").asText())
        .isEqualTo("https://slsa.dev/provenance/v1");
    Path bundle = project.resolve("target/slipway/signatures/" + Digests.hex(digest) + ".sigstore.json");
    Path payload = project.resolve("target/slipway/signatures/" + Digests.hex(digest) + ".payload.json");
    NodeVerifier.Result node = NodeVerifier.locate().verify(sigstore.trustedRoot(), bundle, payload, IDENTITY,
        FakeSigstore.GITHUB_ISSUER);
    assertThat(node.ok()).as(node.toString()).isTrue();
    assertNoFileContains(project, token);

    Path elsewhere = Files.createDirectories(dir.resolve("standalone"));
    MavenRun.Result verified = maven(elsewhere).args(PLUGIN + ":verify", "-Dimage.ref=" + repo + ":1.0",
        "-Dimage.verify.identity=" + IDENTITY, "-Dimage.verify.issuer=" + FakeSigstore.GITHUB_ISSUER,
        "-Dimage.verify.trustedRoot=" + sigstore.trustedRoot(), "-Dimage.verify.predicateTypes=slsa-provenance").run();
    assertThat(verified.succeeded()).as(verified.log()).isTrue();
    JsonNode passed = Json.mapper().readTree(elsewhere.resolve("target/slipway/verified.json").toFile());
    assertThat(passed.path("digest").asText()).isEqualTo(digest);
    assertThat(passed.path("verdict").asText()).isEqualTo("PASS");

    MavenRun.Result wrong = maven(elsewhere).args(PLUGIN + ":verify", "-Dimage.ref=" + repo + ":1.0",
        "-Dimage.verify.identityRegex=https://github\\.com/evil/.*", "-Dimage.verify.issuer="
            + FakeSigstore.GITHUB_ISSUER, "-Dimage.verify.trustedRoot=" + sigstore.trustedRoot()).run();
    assertThat(wrong.succeeded()).isFalse();
    assertThat(wrong.log()).contains("WRONG_IDENTITY").contains("signed by " + IDENTITY);
    JsonNode failed = Json.mapper().readTree(elsewhere.resolve("target/slipway/verified.json").toFile());
    assertThat(failed.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(failed.path("reason").asText()).isEqualTo("WRONG_IDENTITY");
  }

  @Test
  void keyModeWithAnEncryptedKeyAttestsSbomAndProvenance() throws Exception {
    String password = "canary-it-pass-51d0e";
    String repo = registry.hostPort() + "/it/key";
    String digest = pushIndex(new RegistryClient(registry.hostPort(), "it/key", null, true, Log.silent()), "1.0");
    Path project = project(repo, digest);
    Path keys = Files.createDirectories(dir.resolve("keys"));
    openssl(keys, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "plain.pem");
    openssl(keys, "pkey", "-in", "plain.pem", "-pubout", "-out", "pub.pem");
    openssl(keys, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "plain.pem", "-out", "key.pem", "-passout",
        "pass:" + password);
    Files.createDirectories(project.resolve("target/slipway/sbom"));
    Files.writeString(project.resolve("target/slipway/sbom/app.cdx.json"),
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[]}");

    MavenRun.Result signed = maven(project).env("SLIPWAY_SIGN_KEY_PASSWORD", password).args("-X", "verify",
        "-Dimage.sign.mode=key", "-Dimage.sign.key=" + keys.resolve("key.pem"),
        "-Dimage.sign.rekorUrl=" + sigstore.rekorUrl()).run();
    assertThat(signed.succeeded()).as(signed.log()).isTrue();
    assertThat(signed.log()).contains("2 attestation(s)").contains("Recording signatures in the transparency log");
    assertNoLineCarries(signed.log(), password);
    assertNoFileContains(project, password);

    Path elsewhere = Files.createDirectories(dir.resolve("standalone-key"));
    MavenRun.Result verified = maven(elsewhere).args(PLUGIN + ":verify", "-Dimage.ref=" + repo + "@" + digest,
        "-Dimage.verify.publicKey=" + keys.resolve("pub.pem"), "-Dimage.verify.requireTlog=true",
        "-Dimage.verify.trustedRoot=" + sigstore.trustedRoot(),
        "-Dimage.verify.predicateTypes=cyclonedx,slsa-provenance").run();
    assertThat(verified.succeeded()).as(verified.log()).isTrue();
    JsonNode v = Json.mapper().readTree(elsewhere.resolve("target/slipway/verified.json").toFile());
    assertThat(v.path("digest").asText()).isEqualTo(digest);
    assertThat(v.path("verdict").asText()).isEqualTo("PASS");
    assertThat(v.path("attestations")).hasSize(2);
    assertThat(v.at("/signature/rekorLogIndex").isNumber()).isTrue();

    MavenRun.Result wrongPassword = maven(project).env("SLIPWAY_SIGN_KEY_PASSWORD", "wrong-" + password)
        .args("verify", "-Dimage.sign.mode=key", "-Dimage.sign.key=" + keys.resolve("key.pem")).run();
    assertThat(wrongPassword.succeeded()).isFalse();
    assertThat(wrongPassword.log()).contains("image.sign.key").contains("wrong password")
        .doesNotContain(password);
  }

  /**
   * The identity token under {@code mvn -X} (how CI failures get debugged; Maven then prints every parameter and
   * {@code -D} property): through a settings.xml server and through a file, no line of the build log carries it, and
   * the deprecated parameter still works but warns. (Maven's own {@code -X} dump of the environment is Maven's.)
   */
  @Test
  void identityTokenFromAServerOrAFileNeverAppearsUnderDebugOutput() throws Exception {
    String repo = registry.hostPort() + "/it/token";
    String digest = pushIndex(new RegistryClient(registry.hostPort(), "it/token", null, true, Log.silent()), "1.0");
    Path project = project(repo, digest);
    String token = FakeSigstore.token(IDENTITY);
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, "<settings><servers><server><id>sigstore-token</id><password>" + token
        + "</password></server></servers></settings>");
    String[] keyless = {"-Dimage.sign.trustedRoot=" + sigstore.trustedRoot(),
        "-Dimage.sign.signingConfig=" + sigstore.signingConfig(), "-Dimage.sign.provenance=false"};

    MavenRun.Result viaServer = maven(project).settings(settings).args("-X", "verify",
        "-Dimage.sign.identityTokenServer=sigstore-token").args(keyless).run();
    assertThat(viaServer.succeeded()).as(viaServer.log()).isTrue();
    assertThat(viaServer.log()).contains("Signed " + repo + "@" + digest).contains(IDENTITY)
        .contains("identityTokenServer = sigstore-token");
    assertNoLineCarries(viaServer.log(), token);
    assertNoFileContains(project, token);

    Path tokenFile = dir.resolve("token.jwt");
    Files.writeString(tokenFile, token + "\n");
    MavenRun.Result viaFile = maven(project).args("-X", "verify", "-Dimage.sign.identityTokenFile=" + tokenFile)
        .args(keyless).run();
    assertThat(viaFile.succeeded()).as(viaFile.log()).isTrue();
    assertNoLineCarries(viaFile.log(), token);

    // the deprecated parameter works and warns, and shows why it is deprecated: Maven's -X prints its value, which
    // the canary check above catches
    MavenRun.Result deprecated = maven(project).args("-X", "verify", "-Dimage.sign.identityToken=" + token)
        .args(keyless).run();
    assertThat(deprecated.succeeded()).as(deprecated.log()).isTrue();
    assertThat(deprecated.log()).contains("image.sign.identityToken is deprecated")
        .contains("(f) identityToken = " + token);
    assertThatThrownBy(() -> assertNoLineCarries(deprecated.log(), token)).isInstanceOf(AssertionError.class);
  }

  /** Every line but Maven's own environment dump under -X ("[DEBUG]   env.NAME=value" lines are Maven's). */
  private static void assertNoLineCarries(String log, String secret) {
    for (String line : log.split("\n")) {
      if (!line.startsWith("[DEBUG]   env.")) {
        assertThat(line).doesNotContain(secret);
      }
    }
  }

  @Test
  void withoutTokenOrKeyTheBuildFailsNamingBothWaysAndSkipSkips() throws Exception {
    String repo = registry.hostPort() + "/it/none";
    String digest = pushIndex(new RegistryClient(registry.hostPort(), "it/none", null, true, Log.silent()), "1.0");
    Path project = project(repo, digest);
    MavenRun.Result failed = maven(project).args("verify").run();
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.log()).contains("image:sign has nothing to sign with").contains("SIGSTORE_ID_TOKEN")
        .contains("image.sign.key").contains("image.sign.skip");

    MavenRun.Result skipped = maven(project).args("verify", "-Dimage.sign.skip").run();
    assertThat(skipped.succeeded()).as(skipped.log()).isTrue();
    assertThat(skipped.log()).contains("image:sign skipped");
  }

  private static void assertNoFileContains(Path root, String secret) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(secret);
      }
    }
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.require("openssl", "openssl").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("openssl failed: " + out);
    }
  }

  /** Pushes a tiny two-platform OCI index under {@code tag}; returns its digest. */
  static String pushIndex(RegistryClient c, String tag) throws IOException {
    StringBuilder entries = new StringBuilder();
    for (String arch : List.of("amd64", "arm64")) {
      byte[] layer = ("layer for " + arch + " of " + c.repository()).getBytes(StandardCharsets.UTF_8);
      byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
          + "\"diff_ids\":[\"" + Digests.sha256(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
      c.pushBlob(Digests.sha256(layer), layer);
      c.pushBlob(Digests.sha256(config), config);
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{"
          + "\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digests.sha256(config) + "\",\"size\":"
          + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
          + Digests.sha256(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
      String d = c.putManifest(Digests.sha256(manifest), MediaTypes.OCI_MANIFEST, manifest);
      entries.append(entries.isEmpty() ? "" : ",").append("{\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST)
          .append("\",\"digest\":\"").append(d).append("\",\"size\":").append(manifest.length)
          .append(",\"platform\":{\"os\":\"linux\",\"architecture\":\"").append(arch).append("\"}}");
    }
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + entries
        + "]}").getBytes(StandardCharsets.UTF_8);
    return c.putManifest(tag, MediaTypes.OCI_INDEX, index);
  }
}
