package dev.slipway.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real file-system failures (provoked here, not made up) become sentences naming the parameter and what to do. */
class FileProblemsTest {
  @TempDir Path dir;

  static FileSystemException failure(IoAction action) {
    try {
      action.run();
    } catch (FileSystemException e) {
      return e;
    } catch (IOException e) {
      throw new AssertionError("expected a FileSystemException, got " + e, e);
    }
    throw new AssertionError("the action did not fail");
  }

  interface IoAction {
    void run() throws IOException;
  }

  @Test
  void aDirectoryUnderProcNamesTheParameterAndWhatToDo() {
    Path layout = Path.of("/proc/slipway-layout-test");
    FileSystemException e = failure(() -> Files.createDirectories(layout.resolve("blobs/sha256")));
    Map<String, Path> params = new LinkedHashMap<>();
    params.put("image.layout", layout);
    params.put("image.workDir", dir);
    String message = FileProblems.describe(e, params);
    assertThat(message).startsWith("image.layout = /proc/slipway-layout-test: ")
        .contains("/proc and /sys are views of the kernel")
        .endsWith("set image.layout to a directory this build can write")
        .doesNotContain("NoSuchFileException");
  }

  @Test
  void aFileInTheWayIsSaidAsSuch() throws Exception {
    Path file = Files.writeString(dir.resolve("pom.xml"), "<project/>");
    FileSystemException e = failure(() -> Files.createDirectories(file.resolve("blobs")));
    String message = FileProblems.describe(e, Map.of("image.workDir", file));
    assertThat(message).contains("image.workDir = " + file)
        .contains("a file is in the way where a directory is needed")
        .contains("set image.workDir to a directory (not a file)");
  }

  @Test
  void aPathNoParameterSetIsNamedItself() {
    FileSystemException e = failure(() -> Files.createDirectories(Path.of("/proc/slipway-other/x")));
    assertThat(FileProblems.describe(e, Map.of("image.workDir", dir)))
        .startsWith("/proc/slipway-other: ").contains("check that /proc/slipway-other can be written");
  }
}
