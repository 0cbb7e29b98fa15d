package dev.slipway.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A runnable multi-arch base image for tests: a Debian 12 (bookworm) root file system with
 * {@code openjdk-17-jre-headless}, for linux/amd64 and linux/arm64, built from Debian packages by mmdebstrap (the
 * arm64 one with its package scripts under QEMU user emulation). Any test can build {@code FROM} it after
 * {@link #publishTo(LocalRegistry)}, which pushes it to a local registry as one two-platform OCI index.
 *
 * <p><b>Built at most once per machine.</b> The result is cached outside any {@code target/} (so {@code mvn clean}
 * and every module share it) in {@code ~/.cache/slipway-testkit/jre-base/NAME-KEY/}, where KEY hashes everything
 * that decides the content (suite, variant, package list, dpkg options, platforms). A directory appears there only
 * complete (built beside it, then renamed), and builders in concurrent JVMs take turns on a file lock, so the second
 * waits for the first and reuses its result. {@code slipway.testkit.cache} (system property) or
 * {@code SLIPWAY_TESTKIT_CACHE} moves the cache; deleting the directory forces a rebuild.
 *
 * <p><b>What is cached:</b> per platform the extracted root file system ({@link #rootfs(String)}, without /dev:
 * its dpkg database is the real one, so {@code dpkg-query --admindir=}{@link #dpkgAdminDir(String)} lists exactly the
 * packages of the image), and one OCI image layout holding both images ({@link #layout()}). The layer is
 * mmdebstrap's tarball as is; the layout is written by the kit rather than by {@code podman import} and
 * {@code podman manifest push}, so that publishing to each test's fresh registry is a plain {@code skopeo copy} of
 * cached bytes with the same digests every time, and needs no container runtime at all.
 *
 * <p>Needs the Debian packages {@code mmdebstrap}, {@code arch-test}, {@code qemu-user-static} and
 * {@code binfmt-support} with the aarch64 handler enabled, {@code skopeo} to publish, and the Debian package mirror
 * (a cold build downloads about 60 MB of packages per platform). {@code .ci/setup.d/50-containers.sh} sets all of
 * that up.
 */
public final class JreBase {
  /** The platforms of the base, in index order. */
  public static final List<String> PLATFORMS = List.of("linux/amd64", "linux/arm64");
  public static final String SUITE = "bookworm";
  public static final List<String> PACKAGES = List.of("openjdk-17-jre-headless");
  /** The repository (in the registry it is published to) and tag of the base. */
  public static final String REPOSITORY = "slipway/debian-jre";
  public static final String TAG = "17-bookworm";

  private static final String VARIANT = "essential";
  // /usr/share/doc is dead weight in an image; /usr/share/man must stay: the JRE's update-alternatives step needs it
  private static final List<String> DPKG_OPTIONS = List.of("path-exclude=/usr/share/doc/*");
  // mmdebstrap copies the host's resolv.conf and hostname: they do not belong in an image (runtimes provide them)
  private static final String CUSTOMIZE = "rm -f \"$1\"/etc/resolv.conf \"$1\"/etc/hostname";
  private static final String CREATED = "2026-01-01T00:00:00Z";
  private static final String SOURCE_DATE_EPOCH = "1767225600"; // CREATED: reproducible file times
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JreBase shared;

  private final Path dir;
  private final String digest;
  private final Map<String, Duration> buildTimes;
  private final boolean builtByThisJvm;

  private JreBase(Path dir, String digest, Map<String, Duration> buildTimes, boolean builtByThisJvm) {
    this.dir = dir;
    this.digest = digest;
    this.buildTimes = Map.copyOf(buildTimes);
    this.builtByThisJvm = builtByThisJvm;
  }

  /** The base, from the cache, or built now (minutes, printing progress) when the cache has none. */
  public static synchronized JreBase shared() throws IOException, InterruptedException {
    if (shared == null) {
      shared = obtain(cacheRoot().resolve("jre-base"));
    }
    return shared;
  }

  /** Where the kit caches what outlives a build: {@code ~/.cache/slipway-testkit} unless configured. */
  public static Path cacheRoot() {
    String configured = System.getProperty("slipway.testkit.cache", System.getenv("SLIPWAY_TESTKIT_CACHE"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("slipway-testkit");
  }

  /** The cache directory of this base. */
  public Path directory() {
    return dir;
  }

  /** The digest of the two-platform index (the same in the layout and in every registry it is published to). */
  public String digest() {
    return digest;
  }

  public List<String> platforms() {
    return PLATFORMS;
  }

  /** The root file system of one platform ({@code linux/amd64} or {@code linux/arm64}), /dev left out. */
  public Path rootfs(String platform) {
    if (!PLATFORMS.contains(platform)) {
      throw new IllegalArgumentException("the JRE base has " + PLATFORMS + ", not " + platform);
    }
    return dir.resolve(arch(platform)).resolve("rootfs");
  }

  /** The platform's dpkg database, for {@code dpkg-query --admindir=…}. */
  public Path dpkgAdminDir(String platform) {
    return rootfs(platform).resolve("var/lib/dpkg");
  }

  /** The OCI image layout holding the index (tagged {@value #TAG}) and both images. */
  public Path layout() {
    return dir.resolve("layout");
  }

  /** How long building each platform took when the cache was filled (mmdebstrap, extraction and layer). */
  public Map<String, Duration> buildTimes() {
    return buildTimes;
  }

  /** Whether this JVM built the base (true) or found it in the cache (false). */
  public boolean builtByThisJvm() {
    return builtByThisJvm;
  }

  /** Pushes the index and both images to {@code registry} as {@value #REPOSITORY}:{@value #TAG}. */
  public PublishedImage publishTo(LocalRegistry registry) throws IOException, InterruptedException {
    String repository = registry.hostPort() + "/" + REPOSITORY;
    long start = System.nanoTime();
    new Skopeo(registry).copyAll("oci:" + layout() + ":" + TAG, "docker://" + repository + ":" + TAG);
    System.out.printf("JRE base: published %s:%s@%s in %.1f s%n", repository, TAG, digest,
        (System.nanoTime() - start) / 1e9);
    return new PublishedImage(repository, TAG, digest);
  }

  static String arch(String platform) {
    return platform.substring(platform.indexOf('/') + 1);
  }

  /** The cache directory's name: readable, and a hash of every input that decides the content. */
  static String cacheName() {
    String inputs = String.join("\n", "jre-base v1", "suite=" + SUITE, "variant=" + VARIANT,
        "packages=" + String.join(",", PACKAGES), "dpkgopt=" + String.join(",", DPKG_OPTIONS),
        "customize=" + CUSTOMIZE, "platforms=" + String.join(",", PLATFORMS), "created=" + CREATED);
    String key = HexFormat.of().formatHex(OciLayout.sha256().digest(inputs.getBytes(StandardCharsets.UTF_8)));
    return "debian-" + SUITE + "-jre17-" + key.substring(0, 12);
  }

  /** Fills {@code partial} with a complete cache entry, {@code fixture.json} last. */
  @FunctionalInterface
  interface Builder {
    void build(Path partial) throws IOException, InterruptedException;
  }

  static JreBase obtain(Path root) throws IOException, InterruptedException {
    return obtain(root, cacheName(), JreBase::build);
  }

  /**
   * The cache entry {@code name} under {@code root}: read when complete, else built under an exclusive lock on
   * {@code NAME.lock} (one builder per machine; the others wait and read its result) into {@code NAME.partial-PID},
   * which is renamed to {@code NAME} once complete.
   */
  static synchronized JreBase obtain(Path root, String name, Builder builder)
      throws IOException, InterruptedException {
    Files.createDirectories(root);
    Path dir = root.resolve(name);
    if (Files.isRegularFile(dir.resolve("fixture.json"))) {
      return load(dir, false);
    }
    try (FileChannel channel = FileChannel.open(root.resolve(name + ".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        System.out.println("JRE base: another process is building " + dir + "; waiting for it");
        lock = channel.lock();
      }
      try {
        if (Files.isRegularFile(dir.resolve("fixture.json"))) {
          return load(dir, false); // the other builder finished it
        }
        // we hold the lock: partial directories are what a killed or failed build left behind (with its logs)
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, name + ".partial-*")) {
          for (Path leftover : leftovers) {
            LocalRegistry.deleteTree(leftover);
          }
        }
        Path partial = Files.createDirectories(root.resolve(name + ".partial-" + ProcessHandle.current().pid()));
        builder.build(partial);
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        return load(dir, true);
      } finally {
        lock.release();
      }
    }
  }

  private static JreBase load(Path dir, boolean built) throws IOException {
    JsonNode fixture = JSON.readTree(dir.resolve("fixture.json").toFile());
    Map<String, Duration> times = new LinkedHashMap<>();
    fixture.path("buildSeconds").properties()
        .forEach(e -> times.put(e.getKey(), Duration.ofMillis(Math.round(e.getValue().asDouble() * 1000))));
    return new JreBase(dir, fixture.path("digest").asText(), times, built);
  }

  private static void build(Path partial) throws IOException, InterruptedException {
    Path mmdebstrap = Tools.require("mmdebstrap", "mmdebstrap");
    Path tar = Tools.require("tar", "tar");
    if (PLATFORMS.stream().anyMatch(p -> !arch(p).equals(hostArch()))) {
      Tools.require("arch-test", "arch-test"); // mmdebstrap's check that a foreign architecture can run
      requireArm64Emulation();
    }
    OciLayout layout = new OciLayout(partial.resolve("layout"));
    // one platform per thread: mmdebstrap and dpkg are single-threaded, so on two cores the arm64 build (CPU-bound
    // under emulation) and the amd64 one (mostly I/O) overlap: the cold build takes about as long as arm64 alone
    ExecutorService pool = Executors.newFixedThreadPool(PLATFORMS.size());
    try {
      List<Future<OciLayout.Image>> futures = new ArrayList<>();
      for (String platform : PLATFORMS) {
        futures.add(pool.submit(() -> buildPlatform(platform, partial, layout, mmdebstrap, tar)));
      }
      List<OciLayout.Image> images = new ArrayList<>();
      Map<String, Double> seconds = new LinkedHashMap<>();
      for (int i = 0; i < futures.size(); i++) {
        images.add(futures.get(i).get());
        seconds.put(PLATFORMS.get(i), Double.parseDouble(Files.readString(
            partial.resolve(arch(PLATFORMS.get(i))).resolve("build-seconds"))));
      }
      writeFixture(partial, layout, images, seconds);
    } catch (ExecutionException e) {
      pool.shutdownNow(); // interrupts the other platform's build, which kills its mmdebstrap
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException ie) {
        throw ie;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private static OciLayout.Image buildPlatform(String platform, Path partial, OciLayout layout, Path mmdebstrap,
      Path tar) throws IOException, InterruptedException {
    String arch = arch(platform);
    Path archDir = Files.createDirectories(partial.resolve(arch));
    Path rootfsTar = archDir.resolve("rootfs.tar");
    Path log = archDir.resolve("mmdebstrap.log");
    boolean emulated = !arch.equals(hostArch());
    System.out.printf("JRE base: building %s (Debian %s, %s) with mmdebstrap%s; log: %s%n", platform, SUITE,
        String.join(" ", PACKAGES), emulated ? " under QEMU emulation, a few minutes" : "", log);
    long start = System.nanoTime();
    List<String> cmd = new ArrayList<>(List.of(mmdebstrap.toString(), "--variant=" + VARIANT, "--arch=" + arch,
        "--include=" + String.join(",", PACKAGES)));
    DPKG_OPTIONS.forEach(o -> cmd.add("--dpkgopt=" + o));
    cmd.add("--customize-hook=" + CUSTOMIZE);
    cmd.add(SUITE);
    cmd.add(rootfsTar.toString());
    // the system's programs only: mmdebstrap's helpers (mmtarfilter runs once per package) start "python3" from
    // the PATH, and a version manager's shim there costs seconds per start. The time limit is generous: on a
    // loaded machine the emulated package scripts are many times slower than on an idle one.
    Command.runLogged(cmd, Map.of("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        Duration.ofHours(2), log);
    Path rootfs = Files.createDirectories(archDir.resolve("rootfs"));
    // as root, tar keeps owners and modes; device nodes stay in the layer only
    Command.run(List.of(tar.toString(), "-C", rootfs.toString(), "--numeric-owner", "-xpf",
        rootfsTar.toString(), "--exclude=./dev/*"), Map.of(), Duration.ofMinutes(30)).orThrow();
    OciLayout.Layer layer = layout.addLayer(rootfsTar);
    Files.delete(rootfsTar);
    OciLayout.Image image = layout.addImage(platform, List.of(layer), new OciLayout.Config(
        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
            "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-" + arch),
        null, List.of("bash"), null, null, Map.of()), CREATED,
        "mmdebstrap --variant=" + VARIANT + " --include=" + String.join(",", PACKAGES) + " " + SUITE);
    double took = (System.nanoTime() - start) / 1e9;
    Files.writeString(archDir.resolve("build-seconds"), Double.toString(took));
    System.out.printf("JRE base: %s built in %.0f s (layer %s, %d MB compressed)%n", platform, took,
        layer.blob().digest(), layer.blob().size() >> 20);
    return image;
  }

  private static void writeFixture(Path partial, OciLayout layout, List<OciLayout.Image> images,
      Map<String, Double> seconds) throws IOException {
    OciLayout.Blob index = layout.writeIndex(images, TAG);
    ObjectNode fixture = JSON.createObjectNode();
    fixture.put("digest", index.digest());
    fixture.put("tag", TAG);
    ObjectNode times = fixture.putObject("buildSeconds");
    seconds.forEach(times::put);
    Files.write(partial.resolve("fixture.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(fixture));
  }

  static String hostArch() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  /** mmdebstrap runs the arm64 package scripts through the kernel's binfmt handler for QEMU. */
  static void requireArm64Emulation() throws IOException {
    Path handler = Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64");
    if (!Files.isReadable(handler) || !Files.readString(handler).startsWith("enabled")) {
      throw new IllegalStateException("arm64 emulation is not enabled (" + handler + " is missing or disabled):"
          + " install the Debian packages 'qemu-user-static' and 'binfmt-support', mount binfmt_misc and run"
          + " 'update-binfmts --enable qemu-aarch64' (.ci/setup.d/50-containers.sh does all three)");
    }
  }
}
