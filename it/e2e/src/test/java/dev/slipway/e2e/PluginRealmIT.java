package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testkit.MavenRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Maven itself loads for an image goal, read from its own debug output ({@code Populating class realm} and
 * the {@code Included:} jars after it): Maven builds the plugin's class realm on every invocation of every image
 * goal, skipped ones included, so the libraries only image:sbom, image:scan, image:sign and image:verify use are
 * left out of it and loaded by those goals when they run.
 */
class PluginRealmIT {
  private static final List<String> GOAL_LIBRARIES = List.of("dev.sigstore:", "software.amazon.awssdk:",
      "io.grpc:grpc-core", "io.grpc:grpc-netty-shaded", "com.google.protobuf:", "org.bouncycastle:", "org.cyclonedx:", "org.xerial:sqlite-jdbc",
      "org.testcontainers:", "com.github.docker-java:");

  @TempDir Path dir;

  @Test
  void theImagePluginsRealmHoldsNoGoalSpecificLibrary() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).args("-X", "image:build", "-Dimage.skip").run();
    assertThat(r.succeeded()).as(r.logFile().toString()).isTrue();
    List<String> realm = realm(r.log(), "dev.slipway:image-maven-plugin");
    assertThat(realm).as("the plugin realm Maven built").contains("dev.slipway:image-maven-plugin",
        "com.google.cloud.tools:jib-core", "dev.slipway:slipway-common");
    assertThat(realm).as("goal-specific libraries in the realm")
        .noneMatch(jar -> GOAL_LIBRARIES.stream().anyMatch(jar::startsWith));
    // 96 jars with them; jib-maven-plugin's own realm is about 30
    assertThat(realm).hasSizeLessThan(40);
  }

  @Test
  void aGoalThatNeedsThemLoadsThemAndFailsAsUsual() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    // no image.json yet: the goal gets as far as reading it, inside the loader with its libraries
    MavenRun.Result r = MavenRun.in(project).args("-X", "image:sbom").run();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.log()).containsPattern("image: \\d+ libraries loaded for the sbom, scan, sign and verify goals")
        .contains("image.json: file not found (expected an image.json written by image:build)")
        .doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
  }

  /** The {@code group:artifact} of each jar Maven put into the realm of {@code plugin}, from {@code -X} output. */
  private static List<String> realm(String log, String plugin) {
    List<String> jars = new ArrayList<>();
    boolean inside = false;
    for (String line : log.split("\n")) {
      if (line.startsWith("[DEBUG] Populating class realm ")) {
        inside = line.contains("plugin>" + plugin + ":");
        continue;
      }
      if (inside) {
        if (!line.startsWith("[DEBUG]   Included: ")) {
          if (!jars.isEmpty()) {
            break;
          }
          continue;
        }
        String[] gav = line.substring("[DEBUG]   Included: ".length()).strip().split(":");
        jars.add(gav[0] + ":" + gav[1]);
      }
    }
    return jars;
  }
}
