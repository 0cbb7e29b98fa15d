package dev.slipway.image.build;

import dev.slipway.common.registry.Digests;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an image build depends on, condensed into one digest: the configuration (without credentials), the resolved
 * base image digest, every input file's path, size and modification time, and the builder itself. When it equals
 * the previous build's and that build's outputs are still there, the build is up to date and jib need not run.
 * A creation time of "now" is never up to date (the caller does not ask).
 */
final class BuildFingerprint {
  private BuildFingerprint() {}

  static String of(BuildConfig c, String baseDigest) throws IOException {
    StringBuilder s = new StringBuilder();
    line(s, "builder", builderIdentity());
    line(s, "from", c.from());
    line(s, "baseDigest", baseDigest);
    line(s, "platforms", c.platforms().stream().map(Platforms::name).toList());
    line(s, "to", c.to());
    line(s, "name", c.name());
    line(s, "tags", c.tags());
    line(s, "layoutDir", c.layoutDir());
    line(s, "mainClass", c.mainClass());
    line(s, "jvmFlags", c.jvmFlags());
    line(s, "args", c.args());
    line(s, "entrypoint", c.entrypoint());
    line(s, "environment", c.environment());
    line(s, "ports", c.ports());
    line(s, "workingDirectory", c.workingDirectory());
    line(s, "user", c.user());
    line(s, "labels", c.labels());
    line(s, "creationTime", c.creationTime());
    line(s, "appRoot", c.appRoot());
    files(s, "classes", c.classesDir());
    for (Path p : c.dependencies()) {
      files(s, "dependency", p);
    }
    for (Path p : c.snapshotDependencies()) {
      files(s, "snapshot", p);
    }
    for (BuildConfig.ExtraDirectory e : c.extraDirectories()) {
      line(s, "extra", e.into() + " " + e.permissions());
      files(s, "extraFile", e.from());
    }
    return Digests.sha256(s.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void line(StringBuilder s, String key, Object value) {
    s.append(key).append('=').append(value).append('\n');
  }

  private static void files(StringBuilder s, String key, Path root) throws IOException {
    if (!Files.exists(root)) {
      line(s, key, root + " missing");
      return;
    }
    List<String> entries = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        entries.add(root.relativize(p) + " " + (a.isDirectory() ? "d" : a.size() + " " + a.lastModifiedTime().toMillis())
            + (Files.isExecutable(p) ? " x" : ""));
      }
    }
    entries.sort(null);
    line(s, key, root);
    for (String e : entries) {
      s.append("  ").append(e).append('\n');
    }
  }

  /** The jar (or classes directory) this builder runs from: a new Slipway build means a new fingerprint. */
  private static String builderIdentity() throws IOException {
    try {
      Path self = Path.of(BuildFingerprint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      BasicFileAttributes a = Files.readAttributes(self, BasicFileAttributes.class);
      return self + " " + a.size() + " " + a.lastModifiedTime().toMillis();
    } catch (URISyntaxException | RuntimeException e) {
      return "unknown";
    }
  }
}
