package dev.slipway.image.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layout directory is cleared only when it is one image:build wrote; anything else is refused untouched. */
class OciLayoutTest {
  @TempDir Path dir;

  static long count(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.count();
    }
  }

  @Test
  void aProjectDirectoryIsRefusedNamedAndLeftAsItWas() throws Exception {
    Path project = Files.createDirectories(dir.resolve("service"));
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    Files.createDirectories(project.resolve("src/main/java"));
    Files.writeString(project.resolve("src/main/java/App.java"), "class App {}");
    long before = count(project);
    assertThatThrownBy(() -> OciLayout.create(project, "image.layout"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image.layout = " + project + " is not empty and is not an OCI layout that image:build "
            + "wrote (it holds pom.xml, src)")
        .hasMessageContaining("nothing in it was changed");
    assertThat(count(project)).isEqualTo(before);
    assertThat(project.resolve("src/main/java/App.java")).hasContent("class App {}");
  }

  @Test
  void theCurrentDirectoryIsRefusedWhateverItHolds() throws Exception {
    Path cwd = Path.of(".").toAbsolutePath().normalize();
    long before = count(cwd.resolve("src"));
    assertThatThrownBy(() -> OciLayout.create(Path.of("."), "image.layout"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image.layout = . is not empty and is not an OCI layout that image:build wrote");
    assertThat(count(cwd.resolve("src"))).isEqualTo(before);
  }

  @Test
  void anOciLayoutAnotherToolWroteIsRefused() throws Exception {
    Path foreign = Files.createDirectories(dir.resolve("skopeo-layout/blobs/sha256")).getParent().getParent();
    Files.writeString(foreign.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(foreign.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");
    Files.writeString(foreign.resolve("blobs/sha256/" + "a".repeat(64)), "{}");
    assertThatThrownBy(() -> OciLayout.create(foreign, "image.layout"))
        .hasMessageContaining("(it is an OCI layout written by another tool)");
    assertThat(foreign.resolve("blobs/sha256/" + "a".repeat(64))).exists();
  }

  @Test
  void ourOwnLayoutIsReplacedButNotWhenSomethingElseWasPutInIt() throws Exception {
    Path layoutDir = dir.resolve("image");
    OciLayout first = OciLayout.create(layoutDir, "image.layout");
    Files.writeString(first.blob("sha256:" + "b".repeat(64)), "old blob");
    first.finish("latest");

    OciLayout.create(layoutDir, "image.layout");
    assertThat(layoutDir.resolve("blobs/sha256/" + "b".repeat(64))).doesNotExist();
    assertThat(layoutDir.resolve(OciLayout.MARKER)).exists();

    Files.writeString(layoutDir.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> OciLayout.create(layoutDir, "image.layout"))
        .hasMessageContaining("is not an OCI layout that image:build wrote alone (it also holds notes.txt)");
    assertThat(layoutDir.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  void aMissingOrEmptyDirectoryIsUsedAndAFileIsRefused() throws Exception {
    assertThat(OciLayout.create(dir.resolve("new/layout"), "image.layout").dir()).isDirectory();
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThat(OciLayout.create(empty, "image.layout").dir()).isEqualTo(empty);
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> OciLayout.create(file, "image.layout"))
        .hasMessageContaining("image.layout = " + file + " is a file, not a directory");
  }
}
