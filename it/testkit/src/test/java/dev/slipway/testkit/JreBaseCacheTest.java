package dev.slipway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JRE base's cache discipline, with a stand-in builder: one build per machine, complete or absent. */
class JreBaseCacheTest {
  @TempDir Path root;

  /** What a builder must leave: the fixture file, written last. */
  static void fixture(Path partial) throws IOException {
    Files.writeString(partial.resolve("fixture.json"), "{\"digest\":\"sha256:probe\",\"buildSeconds\":{}}");
  }

  @Test
  void twoJvmsAskingAtOnceBuildOnceAndBothGetTheResult() throws Exception {
    List<Process> jvms = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      jvms.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), root.toString())
          .redirectErrorStream(true).start());
    }
    List<String> outputs = new ArrayList<>();
    for (Process jvm : jvms) {
      assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(jvm.getInputStream().readAllBytes());
      assertThat(jvm.exitValue()).as(out).isZero();
      outputs.add(out);
    }
    assertThat(Files.readAllLines(root.resolve("builds.log"))).hasSize(1); // the second waited and reused
    assertThat(String.join("", outputs)).contains("waiting for it").contains("built=true").contains("built=false");
    assertThat(root.resolve("probe/fixture.json")).exists();
  }

  @Test
  void aFailedBuildLeavesNoEntryAndTheNextBuildStartsAfresh() throws Exception {
    assertThatThrownBy(() -> JreBase.obtain(root, "probe", partial -> {
      Files.writeString(partial.resolve("half-done"), "x");
      throw new IOException("mirror unreachable");
    })).hasMessage("mirror unreachable");
    assertThat(root.resolve("probe")).doesNotExist();
    try (var partials = Files.list(root)) {
      assertThat(partials.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("probe.partial-"));
    }

    JreBase built = JreBase.obtain(root, "probe", JreBaseCacheTest::fixture);
    assertThat(built.builtByThisJvm()).isTrue();
    assertThat(built.digest()).isEqualTo("sha256:probe");
    try (var left = Files.list(root)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".partial-"));
    }
    JreBase reused = JreBase.obtain(root, "probe", partial -> {
      throw new AssertionError("a complete entry is never rebuilt");
    });
    assertThat(reused.builtByThisJvm()).isFalse();
  }

  @Test
  void theCacheNameChangesWithTheInputsAndIsStable() {
    assertThat(JreBase.cacheName()).matches("debian-bookworm-jre17-[0-9a-f]{12}").isEqualTo(JreBase.cacheName());
  }

  /** A JVM that obtains the entry "probe" with a slow stand-in build that logs each time it runs. */
  public static final class LockProbe {
    public static void main(String[] args) throws Exception {
      Path root = Path.of(args[0]);
      Files.writeString(root.resolve("started-" + ProcessHandle.current().pid()), "");
      JreBase base = JreBase.obtain(root, "probe", partial -> {
        Files.writeString(root.resolve("builds.log"), ProcessHandle.current().pid() + "\n",
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        // build until the other JVM is up, and then long enough for it to reach the lock
        long deadline = System.currentTimeMillis() + 30_000;
        while (started(root) < 2 && System.currentTimeMillis() < deadline) {
          Thread.sleep(50);
        }
        Thread.sleep(1500);
        fixture(partial);
      });
      System.out.println("built=" + base.builtByThisJvm());
    }

    private static long started(Path root) throws IOException {
      try (var files = Files.list(root)) {
        return files.filter(f -> f.getFileName().toString().startsWith("started-")).count();
      }
    }
  }
}
