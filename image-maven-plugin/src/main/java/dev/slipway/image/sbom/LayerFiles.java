package dev.slipway.image.sbom;

import dev.slipway.common.registry.Digests;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The files of interest in an image's merged root file system, computed by streaming its layers from the base up
 * and applying OCI whiteouts: {@code .wh.NAME} deletes NAME (and everything below it) from the layers beneath, and
 * {@code .wh..wh..opq} hides everything the layers beneath had in that directory. Only files the predicate wants are
 * kept in memory; everything else is read past. Layers may be plain or gzip tar; each layer's bytes are checked
 * against its digest while they stream by.
 */
public final class LayerFiles {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  /** A regular file's content, or a symbolic link's target. */
  public record Entry(byte[] content, String linkTarget) {
    public boolean isSymlink() {
      return linkTarget != null;
    }
  }

  private final Map<String, Entry> files = new TreeMap<>();
  private final Predicate<String> wanted;
  private final java.util.function.BiFunction<String, byte[], byte[]> reduce;

  public LayerFiles(Predicate<String> wanted) {
    this(wanted, (path, content) -> content);
  }

  /** Keeps {@code reduce(path, content)} instead of the content of each wanted file. */
  public LayerFiles(Predicate<String> wanted, java.util.function.BiFunction<String, byte[], byte[]> reduce) {
    this.wanted = wanted;
    this.reduce = reduce;
  }

  /**
   * What one layer does to the files of interest: the wanted files it adds (content or symlink target), its
   * hardlinks to other paths, the paths it whites out and the directories it makes opaque. It depends only on the
   * layer's bytes, so it can be cached under the layer's digest.
   */
  public record Delta(Map<String, Entry> added, Map<String, String> hardlinks, List<String> deleted,
      List<String> opaque) {}

  /** Reads every layer of {@code platform} from {@code source}, in order (no cache). */
  public static LayerFiles read(ImageSource source, ResolvedImage.Platform platform, Predicate<String> wanted)
      throws IOException {
    return read(source, platform, wanted, null);
  }

  /** As {@link #read(ImageSource, ResolvedImage.Platform, Predicate)}, taking layers from {@code cache} if given. */
  public static LayerFiles read(ImageSource source, ResolvedImage.Platform platform, Predicate<String> wanted,
      LayerCache cache) throws IOException {
    return read(source, platform, new LayerFiles(wanted), cache);
  }

  /** Applies every layer of {@code platform} to {@code fs}, taking layers from {@code cache} if given. */
  public static LayerFiles read(ImageSource source, ResolvedImage.Platform platform, LayerFiles fs,
      LayerCache cache) throws IOException {
    for (ResolvedImage.Layer layer : platform.layers()) {
      Delta delta = cache == null ? null : cache.get(layer.digest());
      if (delta == null) {
        try (InputStream in = source.openBlob(layer.digest())) {
          delta = fs.delta(in, layer.digest(), source.describe());
        }
        if (cache != null) {
          cache.put(layer.digest(), delta);
        }
      }
      fs.merge(delta);
    }
    return fs;
  }

  /** Applies one layer (a tar, gzip tar, as a stream) on top of the layers applied before. */
  public void apply(InputStream layerStream, String digest, String where) throws IOException {
    merge(delta(layerStream, digest, where));
  }

  /** Reads one layer's effect on the wanted files, verifying its digest. */
  public Delta delta(InputStream layerStream, String digest, String where) throws IOException {
    MessageDigest md = sha256();
    InputStream counted = new DigestInputStream(layerStream, md);
    BufferedInputStream buffered = new BufferedInputStream(counted, 64 * 1024);
    InputStream tarStream = decompress(buffered, digest, where);
    Map<String, Entry> added = new LinkedHashMap<>();
    List<String> deleted = new ArrayList<>();
    List<String> opaque = new ArrayList<>();
    Map<String, String> hardlinks = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(tarStream)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String path = normalize(e.getName());
        if (path.isEmpty()) {
          continue;
        }
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash + 1);
        String name = path.substring(slash + 1);
        if (name.equals(OPAQUE)) {
          opaque.add(dir);
        } else if (name.startsWith(WHITEOUT)) {
          deleted.add(dir + name.substring(WHITEOUT.length()));
        } else if (wanted.test(path)) {
          if (e.isSymbolicLink()) {
            added.put(path, new Entry(null, e.getLinkName()));
          } else if (e.isLink()) {
            hardlinks.put(path, normalize(e.getLinkName()));
          } else if (e.isFile()) {
            added.put(path, new Entry(reduce.apply(path, tar.readAllBytes()), null));
          }
        }
      }
      // drain: a tar may carry padding past its end marker, and the digest covers every byte
      tarStream.transferTo(java.io.OutputStream.nullOutputStream());
      buffered.transferTo(java.io.OutputStream.nullOutputStream());
    }
    String actual = "sha256:" + HexFormat.of().formatHex(md.digest());
    if (Digests.isSha256(digest) && !actual.equals(digest)) {
      throw new IOException(where + ": layer " + digest + " does not match its digest (read " + actual + ")");
    }
    return new Delta(added, hardlinks, deleted, opaque);
  }

  /** Whiteouts and opaque directories hide the layers beneath; then the layer's own files are added. */
  public void merge(Delta delta) {
    for (String dir : delta.opaque()) {
      files.keySet().removeIf(p -> p.startsWith(dir));
    }
    for (String path : delta.deleted()) {
      files.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
    }
    files.putAll(delta.added());
    delta.hardlinks().forEach((path, target) -> {
      Entry t = delta.added().containsKey(target) ? delta.added().get(target) : files.get(target);
      if (t != null) {
        files.put(path, t);
      }
    });
  }

  /** The file at {@code path} (no leading slash), following symbolic links between kept files. */
  public byte[] get(String path) {
    String p = path;
    for (int hops = 0; hops < 8; hops++) {
      Entry e = files.get(p);
      if (e == null) {
        return null;
      }
      if (!e.isSymlink()) {
        return e.content();
      }
      p = resolveLink(p, e.linkTarget());
    }
    return null;
  }

  /** Every kept path directly inside {@code dir} (no leading slash, no trailing slash), sorted. */
  public List<String> list(String dir) {
    String prefix = dir + "/";
    List<String> out = new ArrayList<>();
    for (String p : files.keySet()) {
      if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
        out.add(p);
      }
    }
    return out;
  }

  /** Every kept path, sorted. */
  public List<String> paths() {
    return new ArrayList<>(files.keySet());
  }

  static String resolveLink(String path, String target) {
    String base = target.startsWith("/") ? "" : path.substring(0, Math.max(0, path.lastIndexOf('/')));
    List<String> parts = new ArrayList<>();
    for (String s : (base + "/" + target).split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else {
        parts.add(s);
      }
    }
    return String.join("/", parts);
  }

  static String normalize(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.startsWith("./") ? n.substring(2) : n.substring(1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return n.equals(".") ? "" : n;
  }

  private static InputStream decompress(BufferedInputStream in, String digest, String where) throws IOException {
    in.mark(4);
    int b0 = in.read();
    int b1 = in.read();
    int b2 = in.read();
    int b3 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(in, 64 * 1024);
    }
    if (b0 == 0x28 && b1 == 0xb5 && b2 == 0x2f && b3 == 0xfd) {
      throw new IOException(where + ": layer " + digest + " is zstd-compressed; Slipway reads plain and gzip "
          + "layers only (build the image with gzip layers, the default of Jib and Docker)");
    }
    return in;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
