package dev.slipway.testkit.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs sigstore-js under Node: {@code @sigstore/verify} 3.1.1 on a bundle (an implementation of Sigstore
 * verification that shares no code with sigstore-java or Slipway), and the fixture makers that stand for other tools:
 * {@code @sigstore/sign} (key-signed bundles), {@code @sigstore/oci} (attaching a bundle to an image as a referrer)
 * and a cosign.key writer (Node's scrypt + tweetnacl's secretbox). The script and its pinned dependencies live in
 * {@code it/sigstore-fakes/node}; {@code .ci/setup.d/30-sigstore-node.sh} installs them. When they are missing the
 * verifier fails with that instruction, it never skips.
 */
public final class NodeVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the script reported: {@code ok}, and the signer's identity or the error code and message. */
  public record Result(boolean ok, String san, String issuer, String code, String message, String dssePayload) {}

  private final Path dir;

  private NodeVerifier(Path dir) {
    this.dir = dir;
  }

  /**
   * Finds the node folder: the system property {@code slipway.sigstore.node.dir}, else {@code it/sigstore-fakes/node}
   * in the working directory or one of its parents.
   */
  public static NodeVerifier locate() {
    String configured = System.getProperty("slipway.sigstore.node.dir");
    Path dir = null;
    if (configured != null) {
      dir = Path.of(configured);
    } else {
      for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
        Path candidate = p.resolve("it/sigstore-fakes/node");
        if (Files.isRegularFile(candidate.resolve("verify.js"))) {
          dir = candidate;
          break;
        }
      }
    }
    if (dir == null || !Files.isRegularFile(dir.resolve("verify.js"))) {
      throw new IllegalStateException("cannot find it/sigstore-fakes/node/verify.js from " + Path.of("").toAbsolutePath()
          + " (set -Dslipway.sigstore.node.dir)");
    }
    if (!Files.isDirectory(dir.resolve("node_modules/@sigstore/verify"))) {
      throw new IllegalStateException("sigstore-js is not installed in " + dir + ": run .ci/setup.d/30-sigstore-node.sh "
          + "(npm ci --ignore-scripts in that folder)");
    }
    return new NodeVerifier(dir);
  }

  /** Verifies {@code bundle} over {@code artifact}; {@code identity}/{@code issuer} may be null (not checked). */
  public Result verify(Path trustedRoot, Path bundle, Path artifact, String identity, String issuer)
      throws IOException, InterruptedException {
    return run(trustedRoot, bundle, artifact, identity == null ? null : List.of("--identity", identity), issuer);
  }

  /** As {@link #verify} with the identity as a JavaScript regular expression. */
  public Result verifyRegex(Path trustedRoot, Path bundle, Path artifact, String identityRegex, String issuer)
      throws IOException, InterruptedException {
    return run(trustedRoot, bundle, artifact, List.of("--identity-regex", identityRegex), issuer);
  }

  /** Convenience: writes {@code artifact} bytes to a temporary file first. */
  public Result verify(Path trustedRoot, Path bundle, byte[] artifact, String identity, String issuer)
      throws IOException, InterruptedException {
    Path tmp = Files.createTempFile("slipway-artifact", ".bin");
    try {
      Files.write(tmp, artifact);
      return verify(trustedRoot, bundle, tmp, identity, issuer);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Verifies a DSSE bundle (the envelope carries its payload); the result holds the verified payload. */
  public Result verifyDsse(Path trustedRoot, Path bundle, String identity, String issuer)
      throws IOException, InterruptedException {
    return run(trustedRoot, bundle, null, identity == null ? null : List.of("--identity", identity), issuer);
  }

  /**
   * Verifies a key-signed bundle with {@code publicKeyPem} as the trusted key, requiring {@code tlogThreshold} Rekor
   * entries (0 for a bundle logged nowhere) and as many integrated timestamps.
   */
  public Result verifyWithKey(Path trustedRoot, Path bundle, Path publicKeyPem, int tlogThreshold)
      throws IOException, InterruptedException {
    return run(trustedRoot, bundle, null, List.of("--public-key", publicKeyPem.toString(), "--tlog-threshold",
        Integer.toString(tlogThreshold), "--timestamp-threshold", Integer.toString(tlogThreshold)), null);
  }

  /**
   * {@code sign-bundle.js}: a DSSE bundle of {@code statement} signed by the EC P-256 PEM {@code privateKey} with
   * {@code @sigstore/sign}, logged in the Rekor v1 at {@code rekorUrl} when it is not null. Returns the script's JSON.
   */
  public JsonNode signBundle(Path privateKey, Path statement, Path out, String rekorUrl)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--key", privateKey.toString(), "--statement", statement.toString(),
        "--out", out.toString()));
    if (rekorUrl != null) {
      args.addAll(List.of("--rekor", rekorUrl));
    }
    return script("sign-bundle.js", args, java.util.Map.of());
  }

  /** {@code attach.js}: attaches {@code bundle} to {@code image@digest} as a referrer with {@code @sigstore/oci}. */
  public JsonNode attach(String image, String digest, Path bundle, String predicateType)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--image", image, "--digest", digest, "--bundle", bundle.toString()));
    if (predicateType != null) {
      args.addAll(List.of("--predicate-type", predicateType));
    }
    return script("attach.js", args, java.util.Map.of());
  }

  /**
   * {@code cosign-key.js}: writes {@code cosign.key} (encrypted with {@code password} by Node's scrypt and
   * tweetnacl's secretbox) and {@code cosign.pub} to {@code dir}. The password travels in the environment.
   */
  public JsonNode cosignKey(Path dir, String password, int scryptN, String pemType)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--out", dir.toString(), "--password-env", "SLIPWAY_FIXTURE_PASSWORD",
        "--n", Integer.toString(scryptN)));
    if (pemType != null) {
      args.addAll(List.of("--pem-type", pemType));
    }
    return script("cosign-key.js", args, java.util.Map.of("SLIPWAY_FIXTURE_PASSWORD", password));
  }

  private JsonNode script(String name, List<String> args, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(node(), dir.resolve(name).toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("node " + name + " timed out");
    }
    String text = new String(out, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new IOException("node " + name + " printed nothing (exit " + p.exitValue() + "): "
          + new String(err, StandardCharsets.UTF_8));
    }
    JsonNode json = JSON.readTree(text.lines().reduce((x, y) -> y).orElseThrow());
    if (!json.path("ok").asBoolean()) {
      throw new IOException("node " + name + " failed: " + json.path("message").asText());
    }
    return json;
  }

  private Result run(Path trustedRoot, Path bundle, Path artifact, List<String> identityArgs, String issuer)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(node(), dir.resolve("verify.js").toString(),
        "--trusted-root", trustedRoot.toString(), "--bundle", bundle.toString()));
    if (artifact != null) {
      cmd.addAll(List.of("--artifact", artifact.toString()));
    }
    if (identityArgs != null) {
      cmd.addAll(identityArgs);
    }
    if (issuer != null) {
      cmd.addAll(List.of("--issuer", issuer));
    }
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("node verify.js timed out");
    }
    String text = new String(out, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new IOException("node verify.js printed nothing (exit " + p.exitValue() + "): "
          + new String(err, StandardCharsets.UTF_8));
    }
    JsonNode json = JSON.readTree(text.lines().reduce((a, b) -> b).orElseThrow());
    return new Result(json.path("ok").asBoolean(), json.path("san").asText(null), json.path("issuer").asText(null),
        json.path("code").asText(null), json.path("message").asText(null), json.path("payload").asText(null));
  }

  private static String node() {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/local/bin:/usr/bin";
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "node"))) {
        return Path.of(d, "node").toString();
      }
    }
    throw new IllegalStateException("'node' (Node.js >= 20.17) is not on the PATH: it runs the independent "
        + "Sigstore verifier (see .ci/setup.d/30-sigstore-node.sh)");
  }
}
