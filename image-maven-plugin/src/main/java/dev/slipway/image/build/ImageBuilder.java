package dev.slipway.image.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JavaContainerBuilder;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.MainClassFinder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.api.Ports;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.event.progress.ProgressEventHandler;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import dev.slipway.common.FileProblems;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Progress;
import dev.slipway.common.Retry;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.RegistryCredentials;
import dev.slipway.common.registry.RegistryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds a multi-platform image of a Java application with jib-core and hands it over as an OCI image layout and/or
 * a push to a registry, then writes {@code image.json}.
 *
 * <p>jib-core builds one platform at a time into an OCI tarball (it cannot write a multi-platform tarball, and pushes
 * several platforms only as a Docker manifest list); the tarballs are merged into one OCI layout whose
 * {@code index.json} is an OCI image index. When a registry target is set, exactly that layout is pushed, so the
 * digest in the registry equals the layout's and every platform's digest is known.
 */
public final class ImageBuilder {
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);

  /** Blob uploads at a time: what a registry on the other side of a network round trip gains from, as jib does. */
  static final int PUSH_THREADS = 4;

  private final Log log;
  private final Retry retry;

  public ImageBuilder(Log log) {
    this(log, Retry.of(3, Duration.ofSeconds(1)));
  }

  public ImageBuilder(Log log, Retry retry) {
    this.log = log;
    this.retry = retry;
  }

  public BuiltImage build(BuildConfig config) throws ImageBuildException, InvalidInputException, InterruptedException {
    validate(config);
    String mainClass = config.entrypoint().isEmpty() ? mainClass(config) : null;
    Path layoutDir = config.layoutDir() != null ? config.layoutDir() : config.workDir().resolve("staging/layout");
    Optional<ImageRef> base = config.isScratch() ? Optional.empty()
        : Optional.of(ImageRef.parse(config.from(), "image.from"));
    RegistryAccess access = config.registryAccess();
    boolean allowHttp = (config.to() != null && access.isInsecure(config.to().registry()))
        || base.map(b -> access.isInsecure(b.registry())).orElse(false);
    Optional<RegistryCredentials> baseCredentials = base.isEmpty() ? Optional.empty()
        : credentials(base.get(), config.fromCredentials());

    OciLayout layout;
    String baseDigest = null;
    if (allowHttp) {
      JibSystemProperties.hold(JibSystemProperties.CREDENTIALS_OVER_HTTP, "true");
    }
    JibSystemProperties.hold(JibSystemProperties.HTTP_TIMEOUT,
        Long.toString(Math.min(access.timeout().toMillis(), Integer.MAX_VALUE)));
    try {
      if (base.isPresent()) {
        baseDigest = resolveBaseDigest(base.get(), baseCredentials, config);
      }
      Path fingerprintFile = config.workDir().resolve("cache/image.fingerprint");
      BuildFingerprint fingerprint = reproducible(config)
          ? BuildFingerprint.of(config, baseDigest, fingerprintFile) : null;
      Optional<BuiltImage> upToDate = upToDate(config, fingerprint);
      if (upToDate.isPresent()) {
        if (fingerprint.rehashed()) {
          // files were rewritten with the same bytes: remember their new times so the next run hashes nothing
          fingerprint.write(fingerprintFile);
        }
        log.info("Image is up to date: " + upToDate.get().reference() + " (inputs unchanged since the last build"
            + (upToDate.get().pushed() ? ", every tag still points at it" : "") + ")");
        return upToDate.get();
      }
      Files.deleteIfExists(fingerprintFile);
      layout = OciLayout.create(layoutDir, config.layoutDir() != null ? "image.layout" : "image.workDir");
      Path tarDir = Files.createDirectories(config.workDir().resolve("staging/tars"));
      OciLayout.Entry first = null;
      for (Platform platform : config.platforms()) {
        String name = Platforms.name(platform);
        if (first != null && base.isEmpty()) {
          // from scratch the platforms share every layer and differ only in two fields of the configuration:
          // one jib build is enough, the others are derived from it (no second tarball written and read back)
          OciLayout.Entry entry = layout.addForPlatform(first, platform.getOs(), platform.getArchitecture());
          log.info("  " + name + " manifest " + entry.digest() + " (the " + Platforms.name(
              new Platform(first.architecture(), first.os())) + " layers, configuration for " + name + ")");
          continue;
        }
        Path tar = tarDir.resolve(platform.getOs() + "-" + platform.getArchitecture() + ".tar");
        log.info("Building " + name + " from " + (base.isPresent() ? base.get() : "scratch"));
        JibContainerBuilder builder = containerBuilder(config, base, baseCredentials, mainClass, platform,
            baseDigest);
        Containerizer containerizer = Containerizer.to(TarImage.at(tar).named(jibRef(layoutName(config))))
            .setApplicationLayersCache(config.workDir().resolve("cache"))
            .setAllowInsecureRegistries(allowHttp)
            .setToolName("slipway")
            .addEventHandler(LogEvent.class, jibLog())
            .addEventHandler(ProgressEvent.class, new ProgressEventHandler(progress("  " + name)));
        retry.call("building " + name, () -> builder.containerize(containerizer),
            ImageBuilder::isTransient, log);
        OciLayout.Entry entry = layout.addTarball(tar, platform.getOs(), platform.getArchitecture());
        first = first == null ? entry : first;
        Files.delete(tar);
        log.info("  " + name + " manifest " + entry.digest() + " (" + layerSummary(layout, entry) + ")");
      }
      String indexDigest = layout.finish(config.tags().isEmpty() ? "latest" : config.tags().get(0));
      log.info("Image index " + indexDigest + " (" + layout.entries().size() + " platforms)"
          + (config.layoutDir() != null ? " in OCI layout " + layoutDir : ""));

      boolean pushed = false;
      if (config.to() != null) {
        push(layout, config);
        pushed = true;
      }
      if (config.layoutDir() == null) {
        layout.delete();
      }
      BuiltImage image = describe(config, layout, indexDigest, pushed, base.orElse(null), baseDigest);
      image.write(config.imageJson());
      if (fingerprint != null) {
        fingerprint.write(fingerprintFile);
      }
      log.info("Wrote " + config.imageJson());
      return image;
    } catch (InvalidInputException | ImageBuildException | InterruptedException e) {
      throw e;
    } catch (ExecutionException e) {
      throw translate(e.getCause() != null ? e.getCause() : e, config);
    } catch (Exception e) {
      throw translate(e, config);
    } finally {
      if (allowHttp) {
        JibSystemProperties.release(JibSystemProperties.CREDENTIALS_OVER_HTTP);
      }
      JibSystemProperties.release(JibSystemProperties.HTTP_TIMEOUT);
    }
  }

  /** A build whose creation time is the clock's can never be repeated exactly, so it is never up to date. */
  private static boolean reproducible(BuildConfig c) {
    return Duration.between(c.creationTime(), java.time.Instant.now()).abs().compareTo(Duration.ofMinutes(1)) > 0;
  }

  /**
   * The previous build's result when its fingerprint equals this one's and its outputs are still in place: the
   * layout on disk, and in the registry every tag still pointing at the same index.
   */
  private Optional<BuiltImage> upToDate(BuildConfig c, BuildFingerprint fingerprint) throws InterruptedException {
    try {
      if (fingerprint == null || !fingerprint.unchanged() || !Files.exists(c.imageJson())) {
        return Optional.empty();
      }
      BuiltImage previous = BuiltImage.read(c.imageJson());
      if (c.layoutDir() != null && !Files.exists(c.layoutDir().resolve("blobs/sha256/" + dev.slipway.common.registry.Digests.hex(previous.digest())))) {
        return Optional.empty();
      }
      if (c.to() != null) {
        if (!previous.pushed()) {
          return Optional.empty();
        }
        RegistryClient client = c.to().client(credentials(c.to(), c.toCredentials()).orElse(null),
            c.registryAccess(), log);
        for (String tag : c.tags().isEmpty() ? List.of("latest") : c.tags()) {
          Optional<RegistryClient.Descriptor> d = client.headManifest(tag);
          if (d.isEmpty() || !previous.digest().equals(d.get().digest())) {
            return Optional.empty();
          }
        }
      }
      return Optional.of(previous);
    } catch (IOException | InvalidInputException | RuntimeException e) {
      log.debug("up-to-date check failed, building: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static String layerSummary(OciLayout layout, OciLayout.Entry entry) throws IOException {
    JsonNode manifest = Json.mapper().readTree(layout.blob(entry.digest()).toFile());
    long size = 0;
    for (JsonNode l : manifest.path("layers")) {
      size += l.path("size").asLong();
    }
    return manifest.path("layers").size() + " layers, " + Progress.bytes(size) + " compressed";
  }

  private String layoutName(BuildConfig config) {
    String repo = config.to() != null ? config.to().name() : config.name();
    return repo + ":" + (config.tags().isEmpty() ? "latest" : config.tags().get(0));
  }

  private JibContainerBuilder containerBuilder(BuildConfig c, Optional<ImageRef> base,
      Optional<RegistryCredentials> baseCredentials, String mainClass, Platform platform, String baseDigest)
      throws IOException, InvalidInputException {
    JavaContainerBuilder java;
    if (base.isEmpty()) {
      java = JavaContainerBuilder.from(ImageReference.scratch());
    } else {
      RegistryImage image = RegistryImage.named(toJib(base.get()));
      baseCredentials.ifPresent(cr -> image.addCredential(cr.username(), cr.password()));
      java = JavaContainerBuilder.from(image);
    }
    java.setAppRoot(c.appRoot());
    if (Files.isDirectory(c.classesDir())) {
      java.addResources(c.classesDir(), p -> !p.toString().endsWith(".class"));
      java.addClasses(c.classesDir(), p -> p.toString().endsWith(".class"));
    }
    if (!c.dependencies().isEmpty()) {
      java.addDependencies(c.dependencies());
    }
    if (!c.snapshotDependencies().isEmpty()) {
      java.addSnapshotDependencies(c.snapshotDependencies());
    }
    if (mainClass != null) {
      java.addJvmFlags(c.jvmFlags()).setMainClass(mainClass);
    }
    JibContainerBuilder b = java.toContainerBuilder();
    if (!c.entrypoint().isEmpty()) {
      b.setEntrypoint(c.entrypoint());
    }
    for (BuildConfig.ExtraDirectory extra : c.extraDirectories()) {
      b.addFileEntriesLayer(extraLayer(extra));
    }
    b.setProgramArguments(c.args().isEmpty() ? null : c.args());
    b.setEnvironment(c.environment());
    b.setExposedPorts(ports(c.ports()));
    if (c.workingDirectory() != null) {
      b.setWorkingDirectory(AbsoluteUnixPath.get(c.workingDirectory()));
    }
    if (c.user() != null && !c.user().isBlank()) {
      b.setUser(c.user());
    }
    Map<String, String> labels = new java.util.LinkedHashMap<>(c.labels());
    if (baseDigest != null) {
      labels.putIfAbsent("org.opencontainers.image.base.digest", baseDigest);
    }
    b.setLabels(labels);
    b.setCreationTime(c.creationTime());
    b.setFormat(ImageFormat.OCI);
    b.setPlatforms(Set.of(platform));
    return b;
  }

  private static Set<Port> ports(List<String> ports) throws InvalidInputException {
    try {
      return Ports.parse(ports);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("image.ports " + ports + ": expected port numbers, ranges or "
          + "port/protocol such as 8080, 9000-9002, 53/udp");
    }
  }

  /** The configuration errors only the builder sees, found before anything is pulled, built or written. */
  private static void validate(BuildConfig config) throws InvalidInputException {
    ports(config.ports());
    for (BuildConfig.ExtraDirectory extra : config.extraDirectories()) {
      permissionRules(extra);
      if (!Files.isDirectory(extra.from())) {
        throw new InvalidInputException("image.extraDirectories: " + extra.from() + " is not a directory");
      }
    }
  }

  private static List<Map.Entry<PathMatcher, FilePermissions>> permissionRules(BuildConfig.ExtraDirectory extra)
      throws InvalidInputException {
    List<Map.Entry<PathMatcher, FilePermissions>> rules = new ArrayList<>();
    for (Map.Entry<String, String> p : extra.permissions().entrySet()) {
      try {
        rules.add(Map.entry(FileSystems.getDefault().getPathMatcher("glob:" + p.getKey()),
            FilePermissions.fromOctalString(p.getValue())));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("image.extraDirectoryPermissions '" + p.getKey() + "=" + p.getValue()
            + "': expected a glob of in-image paths and a three-digit octal mode such as /app/bin/*=755");
      }
    }
    return rules;
  }

  private FileEntriesLayer extraLayer(BuildConfig.ExtraDirectory extra) throws IOException, InvalidInputException {
    List<Map.Entry<PathMatcher, FilePermissions>> rules = permissionRules(extra);
    return FileEntriesLayer.builder().setName("extra files")
        .addEntryRecursive(extra.from(), AbsoluteUnixPath.get(extra.into()), (source, target) -> {
          for (var rule : rules) {
            if (rule.getKey().matches(Path.of(target.toString()))) {
              return rule.getValue();
            }
          }
          return Files.isDirectory(source) ? FilePermissions.DEFAULT_FOLDER_PERMISSIONS
              : FilePermissions.DEFAULT_FILE_PERMISSIONS;
        })
        .build();
  }

  private String mainClass(BuildConfig c) throws InvalidInputException, ImageBuildException {
    if (c.mainClass() != null && !c.mainClass().isBlank()) {
      return c.mainClass().strip();
    }
    List<Path> classFiles = new ArrayList<>();
    if (Files.isDirectory(c.classesDir())) {
      try (Stream<Path> walk = Files.walk(c.classesDir())) {
        walk.filter(p -> p.toString().endsWith(".class")).forEach(classFiles::add);
      } catch (IOException e) {
        throw new ImageBuildException("cannot read " + c.classesDir() + ": " + e.getMessage(), e);
      }
    }
    MainClassFinder.Result found = MainClassFinder.find(classFiles, e -> {});
    return switch (found.getType()) {
      case MAIN_CLASS_FOUND -> {
        log.info("Main class: " + found.getFoundMainClass() + " (found in " + c.classesDir() + ")");
        yield found.getFoundMainClass();
      }
      case MULTIPLE_MAIN_CLASSES -> throw new InvalidInputException("image.mainClass is not set and "
          + c.classesDir() + " has several main classes " + found.getFoundMainClasses()
          + ": set <mainClass> (or -Dimage.mainClass) to one of them");
      default -> throw new InvalidInputException("image.mainClass is not set, the jar manifest names no Main-Class "
          + "and " + c.classesDir() + " has no class with a main method: set <mainClass> (or -Dimage.mainClass), "
          + "or set <entrypoint> for a non-Java command");
    };
  }

  /** The explicit credentials if given, else Docker's config file and credential helpers for that registry. */
  Optional<RegistryCredentials> credentials(ImageRef ref, RegistryCredentials explicit) {
    if (explicit != null) {
      return Optional.of(explicit);
    }
    try {
      CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(toJib(ref), e -> {});
      for (CredentialRetriever r : List.of(factory.dockerConfig(), factory.wellKnownCredentialHelpers())) {
        Optional<Credential> c = r.retrieve();
        if (c.isPresent()) {
          return Optional.of(new RegistryCredentials(c.get().getUsername(), c.get().getPassword(),
              "Docker config / credential helper"));
        }
      }
    } catch (Exception e) {
      log.debug("no Docker credentials for " + ref.registry() + ": " + e.getMessage());
    }
    return Optional.empty();
  }

  private String resolveBaseDigest(ImageRef base, Optional<RegistryCredentials> creds, BuildConfig c)
      throws IOException, InterruptedException {
    if (base.digest() != null) {
      return base.digest();
    }
    RegistryClient client = base.client(creds.orElse(null), c.registryAccess(), log);
    return retry.call("resolving " + base, () -> client.headManifest(base.reference()), ImageBuilder::isTransient, log)
        .map(RegistryClient.Descriptor::digest)
        .orElseThrow(() -> new RegistryException("base image " + base + " (image.from) does not exist", 404));
  }

  private void push(OciLayout layout, BuildConfig c) throws IOException, InterruptedException, ImageBuildException {
    ImageRef to = c.to();
    Optional<RegistryCredentials> creds = credentials(to, c.toCredentials());
    RegistryClient client = to.client(creds.orElse(null), c.registryAccess(), log);
    Progress progress = new Progress(log, PROGRESS_INTERVAL);
    List<String> blobs = new ArrayList<>();
    long total = 0;
    for (OciLayout.Entry e : layout.entries()) {
      JsonNode manifest = Json.mapper().readTree(layout.blob(e.digest()).toFile());
      List<String> digests = new ArrayList<>();
      digests.add(manifest.path("config").path("digest").asText());
      manifest.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
      for (String d : digests) {
        if (!blobs.contains(d)) {
          blobs.add(d);
          total += Files.size(layout.blob(d));
        }
      }
    }
    log.info("Pushing " + blobs.size() + " blobs (" + Progress.bytes(total) + ") to " + to.name());
    BlobPush push = new BlobPush(client, layout, progress, total);
    if (!blobs.isEmpty()) {
      // the first blob alone: it answers the registry's authentication challenge (Basic or a Bearer token) once,
      // so the parallel requests after it all go out authorized
      push.one(blobs.get(0));
      push.all(blobs.subList(1, blobs.size()));
    }
    for (OciLayout.Entry e : layout.entries()) {
      byte[] bytes = Files.readAllBytes(layout.blob(e.digest()));
      retry.call("pushing manifest " + e.digest(), () -> client.putManifest(e.digest(), MediaTypes.OCI_MANIFEST, bytes),
          ImageBuilder::isTransient, log);
    }
    byte[] index = layout.indexBytes();
    for (String tag : c.tags().isEmpty() ? List.of("latest") : c.tags()) {
      retry.call("tagging " + tag, () -> client.putManifest(tag, MediaTypes.OCI_INDEX, index),
          ImageBuilder::isTransient, log);
      log.info("  tagged " + to.name() + ":" + tag);
    }
  }

  /**
   * Uploads blobs that the registry does not have yet, {@value #PUSH_THREADS} at a time (each a HEAD, then the upload
   * when missing, each retried on its own); the first failure stops the others and is thrown as it was.
   */
  private final class BlobPush {
    private final RegistryClient client;
    private final OciLayout layout;
    private final Progress progress;
    private final long total;
    private final java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger uploaded = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger present = new java.util.concurrent.atomic.AtomicInteger();

    BlobPush(RegistryClient client, OciLayout layout, Progress progress, long total) {
      this.client = client;
      this.layout = layout;
      this.progress = progress;
      this.total = total;
    }

    void one(String digest) throws IOException, InterruptedException {
      Path file = layout.blob(digest);
      boolean existed = retry.call("checking blob " + digest, () -> client.hasBlob(digest), ImageBuilder::isTransient,
          log);
      if (!existed) {
        retry.call("pushing blob " + digest, () -> {
          client.pushBlob(digest, file);
          return null;
        }, ImageBuilder::isTransient, log);
      }
      int up = existed ? uploaded.get() : uploaded.incrementAndGet();
      int there = existed ? present.incrementAndGet() : present.get();
      long sum = done.addAndGet(Files.size(file));
      progress.report("  pushed " + Progress.bytes(sum) + " of " + Progress.bytes(total) + " (" + up
          + " uploaded, " + there + " already there)", sum == total);
    }

    void all(List<String> digests) throws IOException, InterruptedException {
      if (digests.isEmpty()) {
        return;
      }
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
          Math.min(PUSH_THREADS, digests.size()), r -> {
            Thread t = new Thread(r, "slipway-push-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      try {
        List<java.util.concurrent.Future<Void>> futures = new ArrayList<>();
        for (String d : digests) {
          futures.add(pool.submit(() -> {
            one(d);
            return null;
          }));
        }
        for (java.util.concurrent.Future<Void> f : futures) {
          try {
            f.get();
          } catch (java.util.concurrent.ExecutionException e) {
            pool.shutdownNow();
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
              throw io;
            }
            if (cause instanceof InterruptedException ie) {
              throw ie;
            }
            if (cause instanceof RuntimeException re) {
              throw re;
            }
            if (cause instanceof Error err) {
              throw err;
            }
            throw new IOException(cause);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private BuiltImage describe(BuildConfig c, OciLayout layout, String digest, boolean pushed, ImageRef base,
      String baseDigest) {
    String repository = c.to() != null ? c.to().name() : c.name();
    List<BuiltImage.Platform> platforms = layout.entries().stream()
        .map(e -> new BuiltImage.Platform(e.os(), e.architecture(), e.digest(), e.size())).toList();
    return new BuiltImage(BuiltImage.SCHEMA_VERSION, repository + "@" + digest, repository, c.tags(), digest,
        MediaTypes.OCI_INDEX, platforms,
        c.layoutDir() != null ? c.layoutDir().toAbsolutePath().toString() : null, pushed,
        new BuiltImage.Base(base == null ? "scratch" : base.toString(), baseDigest),
        c.creationTime().toString());
  }

  private Consumer<LogEvent> jibLog() {
    return e -> {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        return;
      }
      switch (e.getLevel()) {
        case ERROR -> log.error(e.getMessage());
        case WARN -> log.warn(e.getMessage());
        case LIFECYCLE -> log.info(e.getMessage());
        default -> log.debug(e.getMessage());
      }
    };
  }

  private Consumer<ProgressEventHandler.Update> progress(String prefix) {
    Progress p = new Progress(log, PROGRESS_INTERVAL);
    return u -> {
      if (u.getProgress() >= 0.01 && u.getProgress() < 0.999) {
        p.report(String.format(java.util.Locale.ROOT, "%s %3.0f%%", prefix, u.getProgress() * 100), false);
      }
    };
  }

  static boolean isTransient(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RegistryException r) {
        return r.isTransient();
      }
      if (t instanceof ConnectException || t instanceof SocketTimeoutException
          || t instanceof java.net.http.HttpTimeoutException) {
        return true;
      }
      if (t instanceof RegistryUnauthorizedException || t instanceof UnknownHostException) {
        return false;
      }
    }
    return false;
  }

  private ImageBuildException translate(Throwable e, BuildConfig c) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RegistryUnauthorizedException u) {
        return new ImageBuildException(unauthorized(u.getImageReference(), c), e);
      }
      if (t instanceof RegistryException r) {
        return new ImageBuildException(r.getMessage() + (r.isTransient() ? " (after " + retry.attempts()
            + " attempts)" : ""), e);
      }
      if (t instanceof UnknownHostException) {
        return new ImageBuildException("cannot resolve the registry host name " + t.getMessage()
            + " (DNS lookup failed): check image.from / image.to, or the machine's DNS", e);
      }
      if (t instanceof java.net.SocketTimeoutException) {
        return new ImageBuildException("a registry did not answer in time (" + t.getMessage() + ", after "
            + retry.attempts() + " attempts): image.registry.timeout sets how long a registry may stay silent", e);
      }
      if (t instanceof ConnectException) {
        return new ImageBuildException("cannot reach the registry"
            + (c.to() != null ? " " + c.to().registry() : "") + " after " + retry.attempts() + " attempts: " + t
            + (c.to() != null && !c.registryAccess().isInsecure(c.to().registry())
                ? " (a registry without TLS must be listed in image.insecureRegistries)" : ""), e);
      }
      if (t instanceof com.google.cloud.tools.jib.api.InsecureRegistryException) {
        return new ImageBuildException("the registry does not offer HTTPS: add it to image.insecureRegistries "
            + "to allow plain HTTP (" + t.getMessage() + ")", e);
      }
    }
    java.nio.file.FileSystemException file = FileProblems.find(e);
    if (file != null) {
      return new ImageBuildException(FileProblems.describe(file, pathParameters(c)), e);
    }
    return new ImageBuildException("image build failed: " + e, e);
  }

  /** The paths a build writes or reads, by the parameter that set them, to name in a file-system error. */
  static Map<String, Path> pathParameters(BuildConfig c) {
    Map<String, Path> paths = new java.util.LinkedHashMap<>();
    if (c.layoutDir() != null) {
      paths.put("image.layout", c.layoutDir());
    }
    paths.put("image.workDir", c.workDir());
    paths.put("project.build.outputDirectory", c.classesDir());
    for (BuildConfig.ExtraDirectory extra : c.extraDirectories()) {
      paths.put("image.extraDirectories", extra.from());
    }
    return paths;
  }

  private String unauthorized(String image, BuildConfig c) {
    String registry = c.to() != null ? c.to().registry() : image;
    return "the registry refused the credentials for " + image + " (HTTP 401/403): check the <server> with id '"
        + registry + "' in settings.xml, image.server, image.username with image.passwordEnv/passwordFile, or your "
        + "Docker credentials";
  }

  private static ImageReference toJib(ImageRef ref) throws InvalidInputException {
    return jibRef(ref.toString());
  }

  private static ImageReference jibRef(String ref) throws InvalidInputException {
    try {
      return ImageReference.parse(ref);
    } catch (InvalidImageReferenceException e) {
      throw new InvalidInputException("not a valid image reference: " + ref);
    }
  }
}
