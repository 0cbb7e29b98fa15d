package dev.slipway.image.build;

import dev.slipway.common.AtomicFiles;
import dev.slipway.common.registry.Digests;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an image build depends on, condensed into one digest: the configuration (without credentials), the resolved
 * base image digest, every input file, and the builder itself. When it equals the previous build's and that build's
 * outputs are still there, the build is up to date and jib need not run. A creation time of "now" is never up to date
 * (the caller does not ask).
 *
 * <p>Files are compared cheaply first. Release dependencies are immutable by Maven's rules, so their path, size and
 * modification time stand for their content. Everything built locally (the classes directory, snapshot dependencies,
 * extra directories) is rewritten by the build with new times and often the same bytes, so it counts by its SHA-256
 * content hash; the hash is computed only for a file whose size or modification time differs from the previous run's
 * record, which is kept next to the fingerprint. A touched but unchanged class file therefore does not rebuild, and an
 * unchanged project reads no file content at all.
 */
final class BuildFingerprint {
  private static final String HEADER = "slipway-fingerprint 2";

  /** A file's stat data and content hash as last seen. */
  private record Seen(long size, long modified, String sha256) {}

  private final String digest;
  private final String previousDigest;
  private final Map<String, Seen> seen;
  private final boolean rehashed;

  private BuildFingerprint(String digest, String previousDigest, Map<String, Seen> seen, boolean rehashed) {
    this.digest = digest;
    this.previousDigest = previousDigest;
    this.seen = seen;
    this.rehashed = rehashed;
  }

  /** This build's fingerprint. */
  String digest() {
    return digest;
  }

  /** Whether the previous build, as recorded in {@code file}, had the same fingerprint. */
  boolean unchanged() {
    return digest.equals(previousDigest);
  }

  /** Whether some file had to be hashed again (its stat data changed): the record is worth rewriting. */
  boolean rehashed() {
    return rehashed;
  }

  /** Writes the fingerprint with the stat data and hashes it was computed from, for the next run to compare with. */
  void write(Path file) throws IOException {
    StringBuilder s = new StringBuilder(HEADER).append('\n').append(digest).append('\n');
    seen.forEach((path, f) -> s.append(f.size()).append(' ').append(f.modified()).append(' ').append(f.sha256())
        .append(' ').append(path).append('\n'));
    AtomicFiles.write(file, s.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The fingerprint of {@code c} with {@code baseDigest}, reusing the content hashes recorded in {@code previous}
   * (written by {@link #write}; absent or unreadable means none) for files whose size and modification time match.
   */
  static BuildFingerprint of(BuildConfig c, String baseDigest, Path previous) throws IOException {
    Map<String, Seen> before = new HashMap<>();
    String previousDigest = read(previous, before);
    Hasher h = new Hasher(before);
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
    h.files(s, "classes", c.classesDir(), true);
    for (Path p : c.dependencies()) {
      h.files(s, "dependency", p, false);
    }
    for (Path p : c.snapshotDependencies()) {
      h.files(s, "snapshot", p, true);
    }
    for (BuildConfig.ExtraDirectory e : c.extraDirectories()) {
      line(s, "extra", e.into() + " " + e.permissions());
      h.files(s, "extraFile", e.from(), true);
    }
    return new BuildFingerprint(Digests.sha256(s.toString().getBytes(StandardCharsets.UTF_8)), previousDigest,
        h.now, h.rehashed);
  }

  /** The digest recorded in {@code file}, its file records into {@code seen}; null when there is none. */
  private static String read(Path file, Map<String, Seen> seen) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // unreadable: compare as if there were no previous build
    }
    if (lines.size() < 2 || !HEADER.equals(lines.get(0))) {
      return null;
    }
    for (String l : lines.subList(2, lines.size())) {
      String[] f = l.split(" ", 4);
      if (f.length == 4) {
        try {
          seen.put(f[3], new Seen(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
        } catch (NumberFormatException ignored) {
          // a damaged record only costs a hash
        }
      }
    }
    return lines.get(1).strip();
  }

  private static void line(StringBuilder s, String key, Object value) {
    s.append(key).append('=').append(value).append('\n');
  }

  /** Walks input trees, hashing content only where the recorded stat data no longer matches. */
  private static final class Hasher {
    final Map<String, Seen> before;
    final Map<String, Seen> now = new LinkedHashMap<>();
    boolean rehashed;

    Hasher(Map<String, Seen> before) {
      this.before = before;
    }

    void files(StringBuilder s, String key, Path root, boolean byContent) throws IOException {
      if (!Files.exists(root)) {
        line(s, key, root + " missing");
        return;
      }
      List<String> entries = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.toList()) {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          String rel = root.relativize(p).toString();
          String x = Files.isExecutable(p) ? " x" : "";
          if (a.isDirectory()) {
            entries.add(rel + " d" + x);
          } else if (byContent) {
            entries.add(rel + " " + a.size() + " " + contentHash(p, a) + x);
          } else {
            entries.add(rel + " " + a.size() + " " + a.lastModifiedTime().toMillis() + x);
          }
        }
      }
      entries.sort(null);
      line(s, key, root);
      for (String e : entries) {
        s.append("  ").append(e).append('\n');
      }
    }

    private String contentHash(Path p, BasicFileAttributes a) throws IOException {
      String key = p.toAbsolutePath().toString();
      long modified = a.lastModifiedTime().toMillis();
      Seen last = before.get(key);
      String hash;
      if (last != null && last.size() == a.size() && last.modified() == modified) {
        hash = last.sha256();
      } else {
        hash = Digests.sha256(p);
        rehashed = true;
      }
      now.put(key, new Seen(a.size(), modified, hash));
      return hash;
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
