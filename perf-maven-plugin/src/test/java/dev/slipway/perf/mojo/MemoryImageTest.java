package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Json;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.perf.memory.MemoryReport;
import dev.slipway.perf.memory.OldObjects;
import dev.slipway.perf.memory.Verdict;
import dev.slipway.perf.testservers.MemoryServer;
import dev.slipway.testkit.JreBase;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.PublishedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * perf:memory with {@code perf.start=image} against the real runtime (podman's Docker API from the test kit): an image
 * built FROM the kit's Debian JRE base with the leaky {@link MemoryServer} as its one added layer, pushed to a local
 * registry and named by an {@code image.json} as image:build writes it, is run by the goal on the host network with
 * its JMX agent switched on through {@code JDK_JAVA_OPTIONS}. The goal samples the post-GC heap over JMX and the RSS
 * of the JVM's process as this machine sees it, flags the leak, names {@code RetainingRegistry} from the container's
 * class histogram and JFR old-object samples, gets the heap dump out of the container, and removes the container,
 * keeping its output.
 */
class MemoryImageTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  @TempDir static Path dir;
  static String repository;
  static String amd64;

  @BeforeAll
  static void leakyImage() throws Exception {
    PublishedImage base = JreBase.shared().publishTo(registry);
    Path context = dir.resolve("context");
    Path classes = Path.of(MemoryServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pkg = classes.resolve("dev/slipway/perf/testservers");
    Path into = Files.createDirectories(context.resolve("app/dev/slipway/perf/testservers"));
    try (Stream<Path> all = Files.list(pkg)) {
      for (Path c : all.filter(p -> p.getFileName().toString().matches("(MemoryServer|RetainingRegistry).*\\.class"))
          .toList()) {
        Files.copy(c, into.resolve(c.getFileName()));
      }
    }
    // The image's own JDK_JAVA_OPTIONS must survive the JMX options the goal adds to it.
    Files.writeString(context.resolve("Containerfile"), """
        FROM %s
        COPY app /app
        USER 65532
        ENV JDK_JAVA_OPTIONS="-Dslipway.image.option=kept"
        ENTRYPOINT ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", "/app", \
        "dev.slipway.perf.testservers.MemoryServer", "leak"]
        """.formatted(base.pinned()));
    repository = registry.hostPort() + "/perf/leaky";
    long t0 = System.nanoTime();
    podman.podman("build", "--platform", "linux/amd64", "-t", repository + ":1", context.toString());
    Path digestFile = dir.resolve("digest");
    podman.podman("push", "--tls-verify=false", "--digestfile", digestFile.toString(), repository + ":1");
    amd64 = Files.readString(digestFile).strip();
    System.out.printf("leaky image %s@%s built and pushed in %.1f s%n", repository, amd64,
        (System.nanoTime() - t0) / 1e9);
  }

  @Test
  void theBuiltImageLeaksAndTheEvidenceComesOutOfTheContainer() throws Exception {
    Path project = dir.resolve("project");
    Path imageJson = project.resolve("target/slipway/image.json");
    new BuiltImage(1, repository + "@" + amd64, repository, List.of("1"), amd64,
        "application/vnd.oci.image.manifest.v1+json", List.of(new BuiltImage.Platform("linux", "amd64", amd64, 1000)),
        null, true, null, "2026-01-01T00:00:00Z").write(imageJson);
    MemoryMojo m = MemoryMojoTest.mojo("leak", "45s", dir);
    m.start = "image";
    m.imageJson = imageJson.toFile();
    m.imagePlatform = "linux/amd64";
    m.basedir = project.toFile();
    Path out = project.resolve("target/slipway/perf");
    m.outputDirectory = out.toFile();
    m.gcInterval = "2s";

    long t0 = System.nanoTime();
    assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("memory leak");
    MemoryReport r = Json.readFile(out.resolve("memory.json"), MemoryReport.class, "memory report");
    System.out.printf("image leak: %s after %.0f s of load (goal took %.0f s), slope %.1f MB/min, %d samples; %s%n",
        r.verdict(), r.leakSinceSeconds(), (System.nanoTime() - t0) / 1e9, r.trend().slopeMbPerMin(),
        r.trend().samples(), r.jvm().description());

    assertThat(r.verdict()).isEqualTo(Verdict.LEAK);
    assertThat(r.leakSinceSeconds()).isLessThanOrEqualTo(60.0);
    assertThat(r.trend().slopeMbPerMin()).as("40 KB x 20/s is about 47 MB/min").isBetween(20.0, 80.0);
    // the JVM is the container's, found on this machine by its pid inside the container
    Matcher pids = Pattern.compile("container \\w+ of " + Pattern.quote(repository + "@" + amd64)
        + " \\(JVM pid (\\d+) inside, (\\d+) on this machine\\)").matcher(r.jvm().description());
    assertThat(pids.matches()).as(r.jvm().description()).isTrue();
    assertThat(r.jvm().pid()).isEqualTo(Long.parseLong(pids.group(2))).isNotEqualTo(Long.parseLong(pids.group(1)));
    assertThat(r.jvm().local()).isTrue();
    assertThat(r.readings()).isNotEmpty().allSatisfy(x -> assertThat(x.rssMb()).as("RSS at %s s", x.t())
        .isGreaterThan(x.heapUsedMb()));
    assertThat(r.postGcHeap()).hasSizeGreaterThanOrEqualTo(8);

    // evidence over JMX from inside the container
    assertThat(r.evidence().growthByCount()).extracting(g -> g.className())
        .contains(MemoryMojoTest.REGISTRY + "$Entry");
    OldObjects.Group held = r.evidence().oldObjects().stream()
        .filter(g -> MemoryMojoTest.REGISTRY.equals(g.retainedBy())).findFirst()
        .orElseThrow(() -> new AssertionError("no old-object group held by " + MemoryMojoTest.REGISTRY + ": "
            + r.evidence().oldObjects()));
    assertThat(held.type()).isEqualTo("byte[]");
    assertThat(out.resolve("memory.jfr")).isNotEmptyFile();
    assertThat(r.evidence().heapDump()).isEqualTo("memory.hprof");
    try (var in = Files.newInputStream(out.resolve("memory.hprof"))) {
      assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE");
    }
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("the exchange folder is gone")
          .noneMatch(n -> n.startsWith("memory-container-"));
    }

    // the container is gone, its output kept; the image's JVM options were kept and the JMX agent's added
    assertThat(podman.podman("ps", "-a", "--filter", "label=dev.slipway.perf", "--format", "{{.ID}}").strip())
        .isEmpty();
    String log = Files.readString(out.resolve("service.log"));
    assertThat(log).contains("listening on " + m.startEnvironment.get("PORT") + " in mode leak")
        .containsPattern("Picked up JDK_JAVA_OPTIONS: -Dslipway\\.image\\.option=kept "
            + "-Dcom\\.sun\\.management\\.jmxremote\\.port=\\d+");
  }
}
