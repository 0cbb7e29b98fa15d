package dev.slipway.image.sign;

import dev.slipway.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The openssl command line: an independent implementation for making keys and checking signatures. */
final class Openssl {
  record Result(int exit, String output) {}

  private Openssl() {}

  static Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.require("openssl", "openssl").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("openssl timed out");
    }
    return new Result(p.exitValue(), out);
  }

  /** Makes an EC P-256 key: {@code key.pem} (PKCS#8, encrypted with {@code password} if not null) and {@code pub.pem}. */
  static void ecKey(Path dir, String password) throws IOException, InterruptedException {
    check(run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "plain.pem"));
    check(run(dir, "pkey", "-in", "plain.pem", "-pubout", "-out", "pub.pem"));
    if (password == null) {
      check(run(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "plain.pem", "-out", "key.pem"));
    } else {
      check(run(dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "plain.pem", "-out", "key.pem", "-passout",
          "pass:" + password));
    }
    java.nio.file.Files.delete(dir.resolve("plain.pem"));
  }

  /** {@code openssl dgst -sha256 -verify pub -signature sig data}: true when openssl prints "Verified OK". */
  static boolean verify(Path dir, Path publicKey, Path signature, Path data) throws IOException, InterruptedException {
    Result r = run(dir, "dgst", "-sha256", "-verify", publicKey.toString(), "-signature", signature.toString(),
        data.toString());
    return r.exit() == 0 && r.output().contains("Verified OK");
  }

  private static void check(Result r) throws IOException {
    if (r.exit() != 0) {
      throw new IOException("openssl failed: " + r.output());
    }
  }
}
