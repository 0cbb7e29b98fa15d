package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.memory.JvmTarget;
import dev.slipway.perf.memory.MemorySettings;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * perf:memory's parameters as Maven binds them, and the error of each kind of bad value, in-process; the watch itself
 * is tested in {@code MemoryMojoTest} against forked JVMs and in {@code MemoryImageTest} against a container of a
 * built image. Bad values are aimed where a check that stopped working would try to start {@code false} or reach a
 * closed port, and fail differently.
 */
@MojoGoalTest
class MemoryGoalTest {
  static final String CLOSED_PORT = "http://127.0.0.1:9/health";
  static final String JMX = "service:jmx:rmi:///jndi/rmi://127.0.0.1:9/jmxrmi";
  static final String POM = "<project><build><plugins><plugin><artifactId>perf-maven-plugin</artifactId>"
      + "<configuration>";
  static final String END = "</configuration></plugin></plugins></build></project>";

  @Inject TestBuild build;

  private static void fails(MemoryMojo mojo, String message) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  void defaults(MemoryMojo mojo) throws Exception {
    MemorySettings s = mojo.settings();
    assertThat(s.jvm()).isEqualTo(new JvmTarget.Remote(JMX));
    assertThat(s.load().duration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.load().rate()).isEqualTo(100.0);
    assertThat(s.warmup()).as("10 % of the window, at most 30 s").isEqualTo(Duration.ofSeconds(30));
    assertThat(s.gcInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.sampleInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.detector().alpha()).isEqualTo(0.01);
    assertThat(s.detector().tailAlpha()).isEqualTo(0.05);
    assertThat(s.detector().minSlopeMbPerMin()).isEqualTo(1.0);
    assertThat(s.detector().tailFraction()).isEqualTo(0.5);
    assertThat(s.detector().minSamples()).isEqualTo(8);
    assertThat(s.heapDump()).isEqualTo(MemorySettings.HeapDump.NEVER);
    assertThat(s.jfr()).isTrue();
    assertThat(s.top()).isEqualTo(10);
    assertThat(s.outputDir()).isEqualTo(build.path("target/slipway/perf"));
    assertThat(s.load().target()).isNull();
    assertThat(s.load().start()).isNull();
    assertThat(s.load().startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.load().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.load().threads()).isZero();
    assertThat(s.load().image().imageJson()).isEqualTo(build.path("target/slipway/image.json"));
    assertThat(s.load().image().platform()).isEqualTo("linux/amd64");
    assertThat(mojo.port).isNull();
    assertThat(mojo.portVariable).isEqualTo("PORT");
    assertThat(mojo.failOnLeak).isTrue();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.skipMemory).isFalse();
    assertThat(mojo.skipTests).isFalse();
    assertThat(mojo.skipITs).isFalse();
    assertThat(mojo.perfSkipTests).isNull();
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/api")
  @UserProperty(name = "perf.health", value = "http://127.0.0.1:0/health")
  @UserProperty(name = "perf.start", value = "jar")
  @UserProperty(name = "perf.port", value = "0")
  @UserProperty(name = "perf.portVariable", value = "HTTP_PORT")
  @UserProperty(name = "perf.startTimeout", value = "5s")
  @UserProperty(name = "perf.timeout", value = "2s")
  @UserProperty(name = "perf.threads", value = "1")
  @UserProperty(name = "perf.connections", value = "4")
  @UserProperty(name = "perf.progressInterval", value = "3s")
  @UserProperty(name = "perf.outputDirectory", value = "out")
  @UserProperty(name = "perf.memory.duration", value = "2m")
  @UserProperty(name = "perf.memory.rate", value = "40")
  @UserProperty(name = "perf.memory.warmup", value = "15s")
  @UserProperty(name = "perf.memory.gcInterval", value = "0s")
  @UserProperty(name = "perf.memory.sampleInterval", value = "500ms")
  @UserProperty(name = "perf.memory.alpha", value = "0.02")
  @UserProperty(name = "perf.memory.tailAlpha", value = "0.1")
  @UserProperty(name = "perf.memory.minSlope", value = "2.5")
  @UserProperty(name = "perf.memory.tailFraction", value = "0.25")
  @UserProperty(name = "perf.memory.minSamples", value = "12")
  @UserProperty(name = "perf.memory.heapDump", value = "leak")
  @UserProperty(name = "perf.memory.jfr", value = "false")
  @UserProperty(name = "perf.memory.top", value = "3")
  @UserProperty(name = "perf.memory.failOnLeak", value = "false")
  void everyPropertyBinds(MemoryMojo mojo) throws Exception {
    java.nio.file.Files.createDirectories(build.path("target"));
    java.nio.file.Files.write(build.path("target/app-1.0.0.jar"), new byte[0]); // perf.start=jar needs the package
    MemorySettings s = mojo.settings();
    LoadSettings l = s.load();
    int port = l.target().getPort();
    assertThat(port).as("perf.port=0 picked a free port").isPositive();
    assertThat(l.target()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/api"));
    assertThat(l.health()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/health"));
    assertThat(l.startEnvironment()).isEqualTo(Map.of("HTTP_PORT", String.valueOf(port)));
    assertThat(s.jvm()).isInstanceOfSatisfying(JvmTarget.Forked.class, f -> {
      assertThat(f.command()).containsExactly(
          java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
          build.path("target/app-1.0.0.jar").toString());
      assertThat(f.environment()).containsEntry("HTTP_PORT", String.valueOf(port));
      assertThat(f.health()).isEqualTo(l.health());
      assertThat(f.startTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(f.logFile()).isEqualTo(build.path("out/service.log"));
    });
    assertThat(l.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(l.rate()).isEqualTo(40.0);
    assertThat(l.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(l.threads()).isEqualTo(1);
    assertThat(l.connections()).isEqualTo(4);
    assertThat(l.progressInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.warmup()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.gcInterval()).isZero();
    assertThat(s.sampleInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.detector()).isEqualTo(new dev.slipway.perf.memory.LeakDetector.Settings(0.02, 0.1, 2.5, 0.25, 12));
    assertThat(s.heapDump()).isEqualTo(MemorySettings.HeapDump.LEAK);
    assertThat(s.jfr()).isFalse();
    assertThat(s.top()).isEqualTo(3);
    assertThat(s.outputDir()).isEqualTo(build.path("out"));
    assertThat(mojo.failOnLeak).isFalse();
  }

  @Test
  @InjectMojo(goal = "memory", pom = POM + "<jmxUrl>" + JMX + "</jmxUrl><target>" + CLOSED_PORT + "</target>"
      + "<requests><request><path>/a</path><weight>2</weight></request><request><path>/b</path></request></requests>"
      + "<startEnvironment><GREETING>hi</GREETING></startEnvironment>" + END)
  void requestsAndEnvironmentFromThePom(MemoryMojo mojo) throws Exception {
    LoadSettings l = mojo.settings().load();
    assertThat(l.requests()).hasSize(2);
    assertThat(l.startEnvironment()).isEqualTo(Map.of("GREETING", "hi"));
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.skip")
  @UserProperty(name = "perf.memory.rate", value = "-1")
  void memorySkipSkipsIt(MemoryMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:memory skipped (perf.memory.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.skip")
  @UserProperty(name = "perf.memory.rate", value = "-1")
  void perfSkipSkipsIt(MemoryMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:memory skipped (perf.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "skipTests")
  @UserProperty(name = "perf.memory.rate", value = "-1")
  void skipTestsSkipsIt(MemoryMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly(
        "[INFO] perf:memory skipped (skipTests; -Dperf.skipTests=false runs it all the same)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "skipITs")
  @UserProperty(name = "perf.memory.rate", value = "-1")
  void skipItsSkipsIt(MemoryMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly(
        "[INFO] perf:memory skipped (skipITs; -Dperf.skipTests=false runs it all the same)");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "skipTests")
  @UserProperty(name = "perf.skipTests", value = "false")
  @UserProperty(name = "perf.memory.rate", value = "-1")
  void perfSkipTestsFalseRunsItDespiteSkipTests(MemoryMojo mojo) {
    fails(mojo, "perf.memory.rate = -1.0 is not accepted; expected arrivals per second > 0");
  }

  // each kind of bad configuration

  @Test
  @InjectMojo(goal = "memory")
  void neitherStartNorJmxUrl(MemoryMojo mojo) {
    fails(mojo, "perf:memory needs a JVM to watch: perf.start (jar, a jar path or a command) or perf.memory.jmxUrl");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.start", value = "false")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  void bothStartAndJmxUrl(MemoryMojo mojo) {
    fails(mojo, "give perf.start (start the service and watch it) or perf.memory.jmxUrl (watch a running JVM), "
        + "not both");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.start", value = "image")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/api")
  @UserProperty(name = "perf.port", value = "0")
  @UserProperty(name = "perf.startTimeout", value = "90s")
  void theBuiltImageIsRunFromImageJsonByItsPlatformDigest(MemoryMojo mojo) throws Exception {
    String index = "sha256:" + "1".repeat(64);
    String arm = "sha256:" + "2".repeat(64);
    String amd = "sha256:" + "3".repeat(64);
    new dev.slipway.common.image.BuiltImage(1, "127.0.0.1:5000/shop/app@" + index, "127.0.0.1:5000/shop/app",
        java.util.List.of("1"), index, "application/vnd.oci.image.index.v1+json", java.util.List.of(
            new dev.slipway.common.image.BuiltImage.Platform("linux", "arm64", arm, 1000),
            new dev.slipway.common.image.BuiltImage.Platform("linux", "amd64", amd, 1000)),
        null, true, null, "2026-01-01T00:00:00Z").write(build.path("target/slipway/image.json"));
    MemorySettings s = mojo.settings();
    int port = s.load().target().getPort();
    assertThat(s.jvm()).isInstanceOfSatisfying(JvmTarget.Image.class, i -> {
      assertThat(i.image()).isEqualTo("127.0.0.1:5000/shop/app@" + amd);
      assertThat(i.environment()).isEqualTo(Map.of("PORT", String.valueOf(port)));
      assertThat(i.health()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/api"));
      assertThat(i.startTimeout()).isEqualTo(Duration.ofSeconds(90));
      assertThat(i.logFile()).isEqualTo(build.path("target/slipway/perf/service.log"));
    });
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.start", value = "image")
  @UserProperty(name = "perf.image", value = "127.0.0.1:5000/shop/app:2")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  void perfImageNamesAnotherImage(MemoryMojo mojo) throws Exception {
    assertThat(mojo.settings().jvm()).isInstanceOfSatisfying(JvmTarget.Image.class,
        i -> assertThat(i.image()).isEqualTo("127.0.0.1:5000/shop/app:2"));
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.start", value = "image")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  void theImageNeedsImageJson(MemoryMojo mojo) {
    fails(mojo, "perf.start=image runs the image image:build described in "
        + build.path("target/slipway/image.json") + ", which does not exist");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.start", value = "false")
  void aStartedServiceNeedsATarget(MemoryMojo mojo) {
    fails(mojo, "perf.target is not set");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  @UserProperty(name = "perf.memory.top", value = "0")
  void topMustBePositive(MemoryMojo mojo) {
    fails(mojo, "perf.memory.top = 0 is not accepted; expected >= 1");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  @UserProperty(name = "perf.memory.heapDump", value = "sometimes")
  void anUnknownHeapDumpListsTheValues(MemoryMojo mojo) {
    fails(mojo, "perf.memory.heapDump = 'sometimes' is not accepted; expected never, leak");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  @UserProperty(name = "perf.memory.alpha", value = "2")
  void anAlphaOutsideItsRange(MemoryMojo mojo) {
    fails(mojo, "perf.memory.alpha = 2.0 is not accepted");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  @UserProperty(name = "perf.memory.minSamples", value = "1")
  void tooFewSamples(MemoryMojo mojo) {
    fails(mojo, "perf.memory.minSamples = 1 is not accepted");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  @UserProperty(name = "perf.memory.duration", value = "forever")
  void aDurationThatIsNone(MemoryMojo mojo) {
    fails(mojo, "perf.memory.duration");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  @UserProperty(name = "perf.memory.gcInterval", value = "often")
  void aGcIntervalThatIsNoDuration(MemoryMojo mojo) {
    fails(mojo, "perf.memory.gcInterval");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.start", value = "false")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/")
  @UserProperty(name = "perf.port", value = "70000")
  void aPortOutOfRange(MemoryMojo mojo) {
    fails(mojo, "perf.port = 70000 is not accepted; expected 0 (a free loopback port, chosen at start) or a port "
        + "from 1 to 65535");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.start", value = "false")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/")
  @UserProperty(name = "perf.port", value = "0")
  @UserProperty(name = "perf.portVariable", value = "1-PORT")
  void aPortVariableThatIsNoName(MemoryMojo mojo) {
    fails(mojo, "perf.portVariable = '1-PORT' is not an environment variable name");
  }

  @Test
  @InjectMojo(goal = "memory")
  @UserProperty(name = "perf.memory.jmxUrl", value = JMX)
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:9/a b")
  void aTargetThatIsNoUrl(MemoryMojo mojo) {
    fails(mojo, "perf.target: 'http://127.0.0.1:9/a b' is not a URL");
  }

}
