package dev.slipway.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * skopeo as an independent registry client: what Slipway pushed is read back by a tool that shares none of its
 * code. References are transport-prefixed ({@code docker://HOST/repo:tag}, {@code oci:DIR}).
 */
public final class Skopeo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LocalRegistry registry;

  public Skopeo(LocalRegistry registry) {
    this.registry = registry;
  }

  /** {@code skopeo inspect --raw REF}: the manifest (or index) bytes exactly as stored. */
  public String inspectRaw(String ref) throws IOException, InterruptedException {
    return run(withCreds(List.of("inspect", "--raw", "--tls-verify=false"), ref));
  }

  public JsonNode inspectRawJson(String ref) throws IOException, InterruptedException {
    return JSON.readTree(inspectRaw(ref));
  }

  /** {@code skopeo inspect REF} (the config of the image for this machine's platform or the one given). */
  public JsonNode inspect(String ref, String os, String arch) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--override-os", os, "--override-arch", arch, "inspect", "--tls-verify=false"));
    return JSON.readTree(run(withCreds(args, ref)));
  }

  /** {@code skopeo copy --all SRC DST}, with this registry's credentials on whichever side is a registry. */
  public String copyAll(String src, String dst) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false"));
    if (registry != null && registry.requiresAuth()) {
      String creds = registry.username() + ":" + registry.password();
      if (src.startsWith("docker://")) {
        args.add("--src-creds=" + creds);
      }
      if (dst.startsWith("docker://")) {
        args.add("--dest-creds=" + creds);
      }
    }
    args.add(src);
    args.add(dst);
    return run(args);
  }

  /** The sha256 digest skopeo computes for a manifest it reads: {@code skopeo manifest-digest}. */
  public String manifestDigest(Path manifestFile) throws IOException, InterruptedException {
    return run(List.of("manifest-digest", manifestFile.toString())).strip();
  }

  private List<String> withCreds(List<String> args, String ref) {
    List<String> out = new ArrayList<>(args);
    if (registry != null && registry.requiresAuth() && ref.startsWith("docker://")) {
      out.add("--creds=" + registry.username() + ":" + registry.password());
    }
    out.add(ref);
    return out;
  }

  private static String run(List<String> args) throws IOException, InterruptedException {
    Path skopeo = Tools.require("skopeo", "skopeo");
    List<String> cmd = new ArrayList<>();
    cmd.add(skopeo.toString());
    cmd.addAll(args);
    // stdout and stderr go to files: reading one pipe to its end while the other fills up would deadlock
    Path out = java.nio.file.Files.createTempFile("skopeo", ".out");
    Path err = java.nio.file.Files.createTempFile("skopeo", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("skopeo timed out: " + String.join(" ", args));
      }
      if (p.exitValue() != 0) {
        throw new IOException("skopeo " + args.get(0) + " failed (" + p.exitValue() + "): "
            + java.nio.file.Files.readString(err, StandardCharsets.UTF_8).strip());
      }
      return java.nio.file.Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      java.nio.file.Files.deleteIfExists(out);
      java.nio.file.Files.deleteIfExists(err);
    }
  }
}
