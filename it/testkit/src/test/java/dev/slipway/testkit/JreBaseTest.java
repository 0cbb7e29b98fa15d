package dev.slipway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JRE base for real: built by mmdebstrap for both platforms (or found in the cache), published to a registry
 * as one index, and run by podman on both architectures (arm64 under QEMU).
 */
class JreBaseTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  static JreBase base;

  @BeforeAll
  static void base() throws Exception {
    long start = System.nanoTime();
    base = JreBase.shared();
    System.out.printf("JRE base %s in %.1f s (build times when the cache was filled: %s)%n",
        base.builtByThisJvm() ? "built" : "reused from the cache", (System.nanoTime() - start) / 1e9,
        base.buildTimes());
  }

  @Test
  void eachRootFileSystemHasARealDpkgDatabaseWithTheJreOfItsArchitecture() throws Exception {
    for (String platform : JreBase.PLATFORMS) {
      String arch = JreBase.arch(platform);
      String query = Command.run(List.of("dpkg-query", "--admindir=" + base.dpkgAdminDir(platform), "-W",
          "-f=${Package} ${Architecture} ${Version} ${db:Status-Status}\n", "openjdk-17-jre-headless", "dpkg"),
          Map.of(), Duration.ofSeconds(30)).orThrow();
      assertThat(query).as(platform)
          .containsPattern("openjdk-17-jre-headless " + arch + " 17\\.\\S+ installed")
          .containsPattern("dpkg " + arch + " \\S+ installed");
      assertThat(base.rootfs(platform).resolve("usr/lib/jvm/java-17-openjdk-" + arch + "/bin/java")).exists();
      assertThat(base.rootfs(platform).resolve("usr/share/doc/openjdk-17-jre-headless")).doesNotExist();
      assertThat(base.rootfs(platform).resolve("etc/resolv.conf")).doesNotExist(); // no host file in an image
    }
  }

  @Test
  void publishedAsOneTwoPlatformIndexWhoseJreRunsOnBothArchitectures() throws Exception {
    PublishedImage image = base.publishTo(registry);
    String raw = new Skopeo(registry).inspectRaw("docker://" + image.reference());
    assertThat("sha256:" + HexFormat.of().formatHex(OciLayout.sha256().digest(raw.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(base.digest()).isEqualTo(image.digest());
    JsonNode index = new ObjectMapper().readTree(raw);
    assertThat(index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
    List<String> platforms = new ArrayList<>();
    index.path("manifests").forEach(m -> platforms.add(
        m.path("platform").path("os").asText() + "/" + m.path("platform").path("architecture").asText()));
    assertThat(platforms).containsExactly("linux/amd64", "linux/arm64");

    for (String platform : JreBase.PLATFORMS) {
      String javaArch = platform.endsWith("arm64") ? "aarch64" : "amd64";
      try (RunningContainer java = podman.container(image.pinned()).platform(platform).user("65532")
          .entrypoint("java").command("-XshowSettings:properties", "-version").start()) {
        assertThat(java.awaitExit(Duration.ofMinutes(3))).as(java.logs()).isZero();
        assertThat(java.logs()).as(platform).contains("openjdk version \"17.").contains("os.arch = " + javaArch);
      }
      try (RunningContainer uname = podman.container(image.pinned()).platform(platform)
          .entrypoint("uname").command("-m").start()) {
        assertThat(uname.awaitExit(Duration.ofMinutes(1))).isZero();
        assertThat(uname.logs().strip()).isEqualTo(platform.endsWith("arm64") ? "aarch64" : "x86_64");
      }
    }
  }

  @Test
  void asecondLookFindsTheCacheAndBuildsNothing() throws Exception {
    long start = System.nanoTime();
    JreBase again = JreBase.obtain(JreBase.cacheRoot().resolve("jre-base"));
    System.out.printf("JRE base: warm reuse from the cache in %.3f s%n", (System.nanoTime() - start) / 1e9);
    assertThat(again.builtByThisJvm()).isFalse();
    assertThat(again.directory()).isEqualTo(base.directory());
    assertThat(again.digest()).isEqualTo(base.digest());
    assertThat(Files.readString(base.layout().resolve("index.json"))).contains(base.digest());
  }
}
