package dev.slipway.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void aFailedWriteLeavesTheOldContentAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("report.json");
    AtomicFiles.write(target, "old".getBytes());
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
      out.write("half".getBytes());
      throw new IOException("disk full");
    })).hasMessage("disk full");
    assertThat(Files.readString(target)).isEqualTo("old");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void readFileNamesFileAndLineOfMalformedJson() throws IOException {
    Path f = dir.resolve("image.json");
    Files.writeString(f, "{\n  \"a\": 1,\n  \"b\": ]\n}");
    assertThatThrownBy(() -> Json.readFile(f, java.util.Map.class, "an image.json object"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(f + ":3:")
        .hasMessageContaining("an image.json object");
  }
}
