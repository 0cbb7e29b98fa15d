package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessCommandTest {
  @TempDir Path dir;
  final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void jarMeansThePackagedJarRunWithThisJava() throws Exception {
    Path jar = Files.createFile(dir.resolve("app-1.0.jar"));
    assertThat(ServiceProcess.command("jar", jar)).containsExactly(java, "-jar", jar.toString());
    assertThat(ServiceProcess.command(" other.jar ", jar)).containsExactly(java, "-jar", "other.jar");
  }

  @Test
  void jarWithoutAPackagedJarSaysToPackageFirst() {
    assertThatThrownBy(() -> ServiceProcess.command("jar", dir.resolve("missing.jar")))
        .hasMessageContaining("perf.start=jar").hasMessageContaining("package");
  }

  @Test
  void commandsSplitOnWhitespaceWithQuotes() throws Exception {
    assertThat(ServiceProcess.command("./run.sh --port 8080 --name 'my service' \"a b\" ''", null))
        .isEqualTo(List.of("./run.sh", "--port", "8080", "--name", "my service", "a b", ""));
    assertThatThrownBy(() -> ServiceProcess.command("   ", null)).hasMessageContaining("perf.start is empty");
  }
}
