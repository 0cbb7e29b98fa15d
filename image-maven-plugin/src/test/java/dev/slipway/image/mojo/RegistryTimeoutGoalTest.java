package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.image.BuiltImage;
import dev.slipway.testkit.SilentServer;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every image goal that reads a registry after image:build (sign, verify, sbom, scan) takes image:build's
 * {@code image.registry.timeout}: against a registry that accepts the connection and never answers, each fails after
 * the configured silence (1 s here, where the default is 30 s), naming the registry and the parameter, instead of
 * hanging. The registry is a loopback socket that never writes a byte.
 */
@MojoGoalTest
class RegistryTimeoutGoalTest {
  static final String DIGEST = "sha256:" + "d".repeat(64);

  @Inject TestBuild build;
  SilentServer silent;

  @BeforeEach
  void start() throws Exception {
    silent = new SilentServer();
  }

  @AfterEach
  void stop() throws Exception {
    silent.close();
  }

  /** The goal fails within the 1 s bound, says so, names the registry and the parameter, and did connect. */
  private void failsAfterOneSecondOfSilence(org.apache.maven.plugin.Mojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("registry " + silent.hostPort())
        .hasMessageContaining("neither answered nor took any data for 1 s")
        .hasMessageContaining("image.registry.timeout");
    assertThat(build.log().text()).contains("still waiting for registry " + silent.hostPort());
    assertThat(silent.accepted()).isNotEmpty();
  }

  private KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** An image.json naming a pushed image in the silent registry, with no OCI layout to fall back on. */
  private void pushedToSilentRegistry() throws Exception {
    String repository = silent.hostPort() + "/shop/app";
    new BuiltImage(1, repository + "@" + DIGEST, repository, List.of("1.0"), DIGEST, null, List.of(),
        null, true, null, null).write(build.path("target/slipway/image.json"));
  }

  @Test
  @InjectMojo(goal = "sign")
  @UserProperty(name = "image.registry.timeout", value = "1s")
  @UserProperty(name = "image.sign.key", value = "cosign.pem")
  void signGivesUpOnASilentRegistry(SignMojo mojo) throws Exception {
    Files.writeString(build.path("cosign.pem"), pem("PRIVATE KEY", keyPair().getPrivate().getEncoded()),
        StandardCharsets.US_ASCII);
    mojo.ref = silent.hostPort() + "/shop/app@" + DIGEST;
    mojo.insecureRegistries = List.of(silent.hostPort());
    failsAfterOneSecondOfSilence(mojo);
  }

  @Test
  @InjectMojo(goal = "verify")
  @UserProperty(name = "image.registry.timeout", value = "1s")
  @UserProperty(name = "image.verify.publicKey", value = "cosign.pub")
  void verifyGivesUpOnASilentRegistry(VerifyMojo mojo) throws Exception {
    Files.writeString(build.path("cosign.pub"), pem("PUBLIC KEY", keyPair().getPublic().getEncoded()),
        StandardCharsets.US_ASCII);
    mojo.ref = silent.hostPort() + "/shop/app@" + DIGEST;
    mojo.insecureRegistries = List.of(silent.hostPort());
    failsAfterOneSecondOfSilence(mojo);
  }

  @Test
  @InjectMojo(goal = "sbom")
  @UserProperty(name = "image.registry.timeout", value = "1s")
  void sbomGivesUpOnASilentRegistry(SbomMojo mojo) throws Exception {
    pushedToSilentRegistry();
    mojo.insecureRegistries = List.of(silent.hostPort());
    failsAfterOneSecondOfSilence(mojo);
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.registry.timeout", value = "1s")
  @UserProperty(name = "image.scan.engine", value = "binary")
  @UserProperty(name = "image.scan.trivy", value = "/bin/true")
  void scanGivesUpOnASilentRegistry(ScanMojo mojo) throws Exception {
    pushedToSilentRegistry();
    mojo.insecureRegistries = List.of(silent.hostPort());
    failsAfterOneSecondOfSilence(mojo);
  }
}
