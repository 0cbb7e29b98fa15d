package dev.slipway.image.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.AtomicFiles;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.parsers.JsonParser;
import org.cyclonedx.parsers.XmlParser;

/**
 * Generates the SBOM of a built image: reads every platform's layers (two at a time), finds the OS and its
 * packages, adds the Maven application, and writes CycloneDX 1.6 (JSON and/or XML) and/or SPDX 2.3 JSON. CycloneDX
 * output is validated against the CycloneDX schema before it is written; an invalid document is a Slipway bug and
 * fails with {@link IllegalStateException} listing the schema errors.
 */
public final class ImageSbom {
  /** What was written. */
  public record Written(SbomFormat format, Path file) {}

  /** The outcome: the files, the document model and the component counts for the log. */
  public record Result(List<Written> files, Bom bom, int osPackages, int mavenComponents) {}

  private final ImageSource source;
  private final Log log;
  private final LayerCache cache;

  /**
   * Starts loading the writers (license list, JSON generator, schema validator) on a background thread, for a
   * caller that has other start-up work to do first; {@link #generate} waits for it. Idempotent.
   */
  public static synchronized void startWarmUp(java.util.Set<SbomFormat> formats) {
    if (warmUp == null) {
      warmUp = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return warmUp(formats);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, r -> {
        Thread t = new Thread(r, "slipway-sbom-warm-up");
        t.setDaemon(true);
        t.start();
      });
    }
  }

  private static java.util.concurrent.CompletableFuture<Void> warmUp;

  /**
   * Hands the started warm-up to one {@link #generate} and forgets it, so a later goal in the same JVM (a
   * multi-module build) starts its own with its own formats and never rethrows an earlier failure.
   */
  private static synchronized java.util.concurrent.CompletableFuture<Void> warmUpStarted() {
    java.util.concurrent.CompletableFuture<Void> started = warmUp;
    warmUp = null;
    return started;
  }

  public ImageSbom(ImageSource source, Log log) {
    this(source, log, null);
  }

  /** With {@code cache} (may be null), layers already read once are not read again. */
  public ImageSbom(ImageSource source, Log log, LayerCache cache) {
    this.source = source;
    this.log = log;
    this.cache = cache;
  }

  public Result generate(SbomConfig config) throws IOException {
    long start = System.nanoTime();
    ResolvedImage image = new ImageReader(source).read(config.digest());
    // Layers stream on pool threads while this thread reads the Maven side; a further task loads what the
    // CycloneDX validator and license resolver need (schemas, the SPDX license list: about a second of class
    // loading on a cold JVM), so that validation at the end does not start cold.
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(3, image.platforms().size() + 1), r -> {
      Thread t = new Thread(r, "slipway-sbom");
      t.setDaemon(true);
      return t;
    });
    List<SbomContent.PlatformContent> platforms;
    Application application;
    try {
      List<Future<SbomContent.PlatformContent>> scans = new ArrayList<>();
      for (ResolvedImage.Platform p : image.platforms()) {
        scans.add(pool.submit(() -> scan(p)));
      }
      java.util.concurrent.CompletableFuture<Void> started = warmUpStarted();
      Future<?> warm = started != null ? started : pool.submit(() -> warmUp(config.formats()));
      application = config.application() == null ? null : config.application().read();
      log.debug("image:sbom: Maven side read after " + millis(start) + " ms");
      platforms = new ArrayList<>();
      for (Future<SbomContent.PlatformContent> f : scans) {
        platforms.add(join(f));
      }
      log.debug("image:sbom: layers read after " + millis(start) + " ms");
      join(warm);
      log.debug("image:sbom: writers warmed up after " + millis(start) + " ms");
    } finally {
      pool.shutdownNow();
    }
    SbomContent content = new SbomContent(config.repository(), config.tags(), image, platforms, application,
        config.timestamp(), config.toolVersion());
    Bom bom = new CycloneDxBuilder().build(content);

    List<Written> written = new ArrayList<>();
    for (SbomFormat format : SbomFormat.values()) {
      if (!config.formats().contains(format)) {
        continue;
      }
      Path file = config.outputDirectory().resolve(config.baseName() + "." + format.extension());
      byte[] bytes = switch (format) {
        case CYCLONEDX_JSON -> cycloneDxJson(bom);
        case CYCLONEDX_XML -> cycloneDxXml(bom);
        case SPDX_JSON -> spdxJson(bom, content);
      };
      AtomicFiles.write(file, bytes);
      written.add(new Written(format, file));
      log.info("SBOM " + format.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " written to "
          + file);
    }
    log.debug("image:sbom: written after " + millis(start) + " ms");
    int os = platforms.stream().mapToInt(p -> p.packages().size()).sum();
    int maven = application == null ? 0 : 1 + application.dependencies().size();
    return new Result(written, bom, os, maven);
  }

  /**
   * Loads and exercises what writing and validating will need (license list, JSON generator, schema validator)
   * with a sample document shaped like a real one, so that the real document is written by warmed-up code.
   */
  private static Void warmUp(java.util.Set<SbomFormat> formats) throws IOException {
    org.cyclonedx.util.LicenseResolver.resolve("Apache-2.0", false);
    Bom sample = new Bom();
    sample.setSerialNumber("urn:uuid:" + java.util.UUID.nameUUIDFromBytes(new byte[0]));
    for (int i = 0; i < 64; i++) {
      org.cyclonedx.model.Component c = new org.cyclonedx.model.Component();
      c.setType(org.cyclonedx.model.Component.Type.LIBRARY);
      c.setName("warm-up-" + i);
      c.setVersion("1." + i);
      c.setBomRef("pkg:generic/warm-up-" + i + "@1." + i);
      c.setPurl(c.getBomRef());
      c.setDescription("sample");
      org.cyclonedx.model.OrganizationalEntity supplier = new org.cyclonedx.model.OrganizationalEntity();
      supplier.setName("sample");
      c.setSupplier(supplier);
      c.addProperty(new org.cyclonedx.model.Property("slipway:platform", "linux/amd64"));
      c.addHash(new org.cyclonedx.model.Hash(org.cyclonedx.model.Hash.Algorithm.SHA_256, "0".repeat(64)));
      org.cyclonedx.model.LicenseChoice lc = new org.cyclonedx.model.LicenseChoice();
      org.cyclonedx.model.License l = new org.cyclonedx.model.License();
      l.setId("MIT");
      lc.addLicense(l);
      c.setLicenses(lc);
      sample.addComponent(c);
      sample.addDependency(new org.cyclonedx.model.Dependency(c.getBomRef()));
    }
    if (formats.contains(SbomFormat.CYCLONEDX_JSON)) {
      cycloneDxJson(sample);
    }
    if (formats.contains(SbomFormat.CYCLONEDX_XML)) {
      cycloneDxXml(sample);
    }
    return null;
  }

  private static long millis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static <T> T join(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading image layers", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  private SbomContent.PlatformContent scan(ResolvedImage.Platform p) throws IOException {
    LayerFiles fs = LayerFiles.read(source, p, new LayerFiles(OsPackages.WANTED, OsPackages.REDUCE), cache);
    OsPackages.Result os = OsPackages.detect(fs);
    String osName = os.os() == null ? "no os-release" : os.os().prettyName() != null ? os.os().prettyName()
        : os.os().id() + " " + os.os().versionId();
    log.info(p.id() + ": " + p.layers().size() + " layers, " + osName + ", " + os.packages().size()
        + " OS packages" + (os.jvms().isEmpty() ? "" : ", " + os.jvms().size() + " JVM installation(s)"));
    for (String warning : os.warnings()) {
      log.warn(p.id() + ": " + warning);
    }
    return new SbomContent.PlatformContent(p, os.os(), os.packages(), os.jvms(), os.warnings());
  }

  static byte[] cycloneDxJson(Bom bom) throws IOException {
    String json;
    try {
      json = BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString();
    } catch (Exception e) {
      throw new IllegalStateException("Slipway bug: cannot serialize the CycloneDX JSON document: " + e, e);
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    failIfInvalid(new JsonParser().validate(bytes, Version.VERSION_16), "JSON");
    return bytes;
  }

  static byte[] cycloneDxXml(Bom bom) throws IOException {
    String xml;
    try {
      xml = BomGeneratorFactory.createXml(Version.VERSION_16, bom).toXmlString();
    } catch (Exception e) {
      throw new IllegalStateException("Slipway bug: cannot serialize the CycloneDX XML document: " + e, e);
    }
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    failIfInvalid(new XmlParser().validate(bytes, Version.VERSION_16), "XML");
    return bytes;
  }

  private static void failIfInvalid(List<ParseException> problems, String what) {
    if (!problems.isEmpty()) {
      StringBuilder msg = new StringBuilder("Slipway bug: the generated CycloneDX 1.6 " + what
          + " document is not schema-valid (please report it):");
      problems.stream().limit(20).forEach(p -> msg.append("\n  - ").append(p.getMessage()));
      throw new IllegalStateException(msg.toString());
    }
  }

  private static byte[] spdxJson(Bom bom, SbomContent content) throws IOException {
    ObjectNode doc = new SpdxWriter().write(bom, content.timestamp(), content.toolVersion());
    return (Json.mapper().writeValueAsString((JsonNode) doc) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
