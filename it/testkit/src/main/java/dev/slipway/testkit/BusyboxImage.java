package dev.slipway.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A tiny linux/amd64 image made in milliseconds, for tests that need something to run rather than a JVM: Debian's
 * static busybox (package {@code busybox-static}) with its applets linked in /bin ({@code sh}, {@code httpd},
 * {@code id}, {@code uname}, {@code sleep}, …), a world-writable /tmp, and the files a test adds, e.g. a script as
 * entrypoint that plays an outside tool. Pushed to a {@link LocalRegistry} as a one-platform OCI index.
 *
 * <pre>{@code
 * PublishedImage web = BusyboxImage.create()
 *     .file("/www/health", "UP\n", 0644)
 *     .entrypoint("/bin/httpd", "-f", "-p", "127.0.0.1:18090", "-h", "/www")
 *     .user("65532")
 *     .publishTo(registry, "test/web:1");
 * }</pre>
 */
public final class BusyboxImage {
  private static final String CREATED = "2026-01-01T00:00:00Z";
  private final Map<String, FileEntry> files = new TreeMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private List<String> entrypoint;
  private List<String> cmd;
  private String user;

  private record FileEntry(byte[] content, int mode) {}

  private BusyboxImage() {}

  public static BusyboxImage create() {
    return new BusyboxImage();
  }

  /** Adds a file at the absolute {@code path} (parents are created, mode 0755). */
  public BusyboxImage file(String path, String content, int mode) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  public BusyboxImage file(String path, byte[] content, int mode) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("image file paths are absolute: " + path);
    }
    files.put(path.substring(1), new FileEntry(content.clone(), mode));
    return this;
  }

  public BusyboxImage entrypoint(String... words) {
    this.entrypoint = List.of(words);
    return this;
  }

  public BusyboxImage cmd(String... words) {
    this.cmd = List.of(words);
    return this;
  }

  public BusyboxImage user(String user) {
    this.user = user;
    return this;
  }

  public BusyboxImage env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public BusyboxImage label(String name, String value) {
    labels.put(name, value);
    return this;
  }

  /** Pushes the image to {@code registry} as {@code repositoryAndTag} ({@code name:tag}, without the host). */
  public PublishedImage publishTo(LocalRegistry registry, String repositoryAndTag)
      throws IOException, InterruptedException {
    int colon = repositoryAndTag.lastIndexOf(':');
    if (colon < 0 || repositoryAndTag.indexOf('/', colon) >= 0) {
      throw new IllegalArgumentException("expected name:tag, got " + repositoryAndTag);
    }
    String tag = repositoryAndTag.substring(colon + 1);
    String repository = registry.hostPort() + "/" + repositoryAndTag.substring(0, colon);
    Path work = Files.createTempDirectory("slipway-busybox");
    try {
      Path tar = work.resolve("layer.tar");
      writeLayer(tar);
      OciLayout layout = new OciLayout(work.resolve("layout"));
      OciLayout.Layer layer = layout.addLayer(tar);
      List<String> environment = new ArrayList<>(List.of("PATH=/bin"));
      env.forEach((k, v) -> environment.add(k + "=" + v));
      OciLayout.Image image = layout.addImage("linux/amd64", List.of(layer),
          new OciLayout.Config(environment, entrypoint, cmd, user, "/", labels), CREATED, "slipway test kit: busybox");
      OciLayout.Blob index = layout.writeIndex(List.of(image), tag);
      new Skopeo(registry).copyAll("oci:" + layout.dir() + ":" + tag, "docker://" + repository + ":" + tag);
      return new PublishedImage(repository, tag, index.digest());
    } finally {
      LocalRegistry.deleteTree(work);
    }
  }

  private void writeLayer(Path tar) throws IOException, InterruptedException {
    Path busybox = Tools.require("busybox", "busybox-static");
    requireStatic(busybox);
    List<String> applets = Command.run(List.of(busybox.toString(), "--list"), Map.of(), Duration.ofSeconds(30))
        .orThrow().lines().filter(a -> !a.isBlank() && !a.equals("busybox")).sorted().toList();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      Set<String> dirs = new TreeSet<>(List.of("bin/", "tmp/"));
      for (String path : files.keySet()) {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
          dirs.add(path.substring(0, slash + 1));
        }
      }
      for (String dir : dirs) {
        TarArchiveEntry e = new TarArchiveEntry(dir);
        permissions(e, dir.equals("tmp/") ? 01777 : 0755);
        entry(out, e, null);
      }
      TarArchiveEntry bin = new TarArchiveEntry("bin/busybox");
      permissions(bin, 0755);
      entry(out, bin, Files.readAllBytes(busybox));
      for (String applet : applets) {
        TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("busybox");
        entry(out, link, null);
      }
      for (Map.Entry<String, FileEntry> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        permissions(e, f.getValue().mode());
        entry(out, e, f.getValue().content());
      }
    }
  }

  /** Sets the permission bits and keeps the file-type bits the entry's constructor set. */
  private static void permissions(TarArchiveEntry e, int mode) {
    e.setMode((e.getMode() & ~07777) | (mode & 07777));
  }

  private static void entry(TarArchiveOutputStream out, TarArchiveEntry e, byte[] content) throws IOException {
    e.setModTime(0);
    e.setIds(0, 0);
    if (content != null) {
      e.setSize(content.length);
    }
    out.putArchiveEntry(e);
    if (content != null) {
      out.write(content);
    }
    out.closeArchiveEntry();
  }

  /** A dynamic busybox (Debian's {@code busybox} package) would find no C library in the image. */
  private static void requireStatic(Path binary) throws IOException {
    ByteBuffer elf = ByteBuffer.wrap(Files.readAllBytes(binary)).order(ByteOrder.LITTLE_ENDIAN);
    long phoff = elf.getLong(0x20);
    int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
    int phnum = Short.toUnsignedInt(elf.getShort(0x38));
    for (int i = 0; i < phnum; i++) {
      if (elf.getInt((int) phoff + i * phentsize) == 3) { // PT_INTERP: a dynamic loader is needed
        throw new IllegalStateException(binary + " is dynamically linked: install the Debian package"
            + " 'busybox-static' (apt-get install -y busybox-static; .ci/setup.d/50-containers.sh does this)");
      }
    }
  }
}
