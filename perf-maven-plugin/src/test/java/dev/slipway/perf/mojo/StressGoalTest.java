package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.stress.StressSettings;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * perf:stress's parameters as Maven binds them, and the error of each kind of bad value, in-process; the capacity
 * search itself is tested in {@code StressMojoTest} and {@code CapacitySearchTest}. Bad values aim at a closed port,
 * so a check that stopped working fails with "unreachable" instead of passing.
 */
@MojoGoalTest
class StressGoalTest {
  static final String CLOSED_PORT = "http://127.0.0.1:9/health";
  static final String POM = "<project><build><plugins><plugin><artifactId>perf-maven-plugin</artifactId>"
      + "<configuration>";
  static final String END = "</configuration></plugin></plugins></build></project>";

  @Inject TestBuild build;

  private static void fails(StressMojo mojo, String message) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
  }

  @Test
  @InjectMojo(goal = "stress")
  void defaults(StressMojo mojo) throws Exception {
    StressSettings s = mojo.settings();
    assertThat(s.sloP99()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.sloErrorRate()).isEqualTo(0.01);
    assertThat(s.startRate()).isEqualTo(10.0);
    assertThat(s.factor()).isEqualTo(2.0);
    assertThat(s.maxRate()).isEqualTo(20000.0);
    assertThat(s.precision()).isEqualTo(0.05);
    assertThat(s.step()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.stepWarmup()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.maxDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.cooldown()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.kneeFactor()).isEqualTo(2.0);
    assertThat(s.generatorShare()).isEqualTo(0.5);
    assertThat(s.confirmFailures()).isTrue();
    LoadSettings l = s.load();
    assertThat(l.target()).isNull();
    assertThat(l.start()).isNull();
    assertThat(l.health()).isNull();
    assertThat(l.outputDir()).isEqualTo(build.path("target/slipway/perf"));
    assertThat(l.packagedJar()).isEqualTo(build.path("target/app-1.0.0.jar"));
    assertThat(l.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(l.startEnvironment()).isEmpty();
    assertThat(l.image().imageJson()).isEqualTo(build.path("target/slipway/image.json"));
    assertThat(l.image().image()).isNull();
    assertThat(l.image().platform()).isEqualTo("linux/amd64");
    assertThat(mojo.minCapacity).isZero();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.skipStress).isFalse();
    assertThat(mojo.port).isNull();
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:8083/api")
  @UserProperty(name = "perf.start", value = "image")
  @UserProperty(name = "perf.port", value = "8083")
  @UserProperty(name = "perf.image", value = "127.0.0.1:5000/hello@sha256:abababababababababababababababababababababababababababababababab")
  @UserProperty(name = "perf.imagePlatform", value = "linux/arm64")
  @UserProperty(name = "perf.imageJson", value = "other/image.json")
  @UserProperty(name = "perf.stress.sloP99", value = "250ms")
  @UserProperty(name = "perf.stress.sloErrorRate", value = "0.05")
  @UserProperty(name = "perf.stress.startRate", value = "20")
  @UserProperty(name = "perf.stress.factor", value = "3")
  @UserProperty(name = "perf.stress.maxRate", value = "900")
  @UserProperty(name = "perf.stress.precision", value = "0.1")
  @UserProperty(name = "perf.stress.stepDuration", value = "5s")
  @UserProperty(name = "perf.stress.stepWarmup", value = "1s")
  @UserProperty(name = "perf.stress.maxDuration", value = "1m")
  @UserProperty(name = "perf.stress.cooldown", value = "500ms")
  @UserProperty(name = "perf.stress.kneeFactor", value = "1.5")
  @UserProperty(name = "perf.stress.generatorShare", value = "0.8")
  @UserProperty(name = "perf.stress.confirmFailures", value = "false")
  @UserProperty(name = "perf.stress.minCapacity", value = "150")
  void everyPropertyBinds(StressMojo mojo) throws Exception {
    StressSettings s = mojo.settings();
    assertThat(s.sloP99()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.sloErrorRate()).isEqualTo(0.05);
    assertThat(s.startRate()).isEqualTo(20.0);
    assertThat(s.factor()).isEqualTo(3.0);
    assertThat(s.maxRate()).isEqualTo(900.0);
    assertThat(s.precision()).isEqualTo(0.1);
    assertThat(s.step()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.stepWarmup()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.maxDuration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.cooldown()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.kneeFactor()).isEqualTo(1.5);
    assertThat(s.generatorShare()).isEqualTo(0.8);
    assertThat(s.confirmFailures()).isFalse();
    assertThat(mojo.minCapacity).isEqualTo(150.0);
    LoadSettings l = s.load();
    assertThat(l.target()).isEqualTo(URI.create("http://127.0.0.1:8083/api"));
    assertThat(l.start()).isEqualTo("image");
    assertThat(l.startEnvironment()).as("a fixed perf.port goes to the service too").isEqualTo(Map.of("PORT", "8083"));
    assertThat(l.image().image()).isEqualTo("127.0.0.1:5000/hello@sha256:abababababababababababababababababababababababababababababababab");
    assertThat(l.image().platform()).isEqualTo("linux/arm64");
    assertThat(l.image().imageJson()).isEqualTo(build.path("other/image.json"));
  }

  @Test
  @InjectMojo(goal = "stress", pom = POM + "<target>" + CLOSED_PORT + "</target><start>jar</start><port>0</port>"
      + "<health>http://127.0.0.1:0/ready</health>"
      + "<requests><request><path>/a</path></request></requests>"
      + "<startEnvironment><BIND>127.0.0.1</BIND></startEnvironment>" + END)
  void pomConfigurationBindsAndPortZeroOnlyFillsWhatAsksForIt(StressMojo mojo) throws Exception {
    LoadSettings l = mojo.settings().load();
    int port = l.health().getPort();
    assertThat(port).isPositive();
    assertThat(l.target()).as("a target that names its port keeps it").isEqualTo(URI.create(CLOSED_PORT));
    assertThat(l.startEnvironment()).isEqualTo(Map.of("BIND", "127.0.0.1", "PORT", String.valueOf(port)));
    assertThat(l.requests()).hasSize(1);
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.stress.skip")
  @UserProperty(name = "perf.stress.factor", value = "1")
  void stressSkipDoesNothing(StressMojo mojo) throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      mojo.target = "http://127.0.0.1:" + target.getLocalPort() + "/";
      mojo.execute();
      target.setSoTimeout(1);
      assertThatThrownBy(target::accept).as("no connection to the target").isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(build.log().lines()).containsExactly("[INFO] perf:stress skipped (perf.stress.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.skip")
  @UserProperty(name = "perf.stress.factor", value = "1")
  void perfSkipDoesNothing(StressMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:stress skipped (perf.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "skipITs")
  @UserProperty(name = "perf.stress.factor", value = "1")
  void skipItsSkipsIt(StressMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly(
        "[INFO] perf:stress skipped (skipITs; -Dperf.skipTests=false runs it all the same)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.skipTests", value = "true")
  @UserProperty(name = "perf.stress.factor", value = "1")
  void perfSkipTestsSkipsItAlone(StressMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:stress skipped (perf.skipTests)");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "skipTests")
  @UserProperty(name = "perf.skipTests", value = "false")
  @UserProperty(name = "perf.stress.factor", value = "1")
  void perfSkipTestsFalseRunsItDespiteSkipTests(StressMojo mojo) {
    fails(mojo, "perf.stress.factor = 1.0 is not accepted; expected a number > 1, e.g. 2");
  }

  // each kind of bad configuration: one per check

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.sloErrorRate", value = "1")
  void anErrorRateThatIsNoShare(StressMojo mojo) {
    fails(mojo, "perf.stress.sloErrorRate = 1.0 is not accepted; expected a share in [0, 1)");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.startRate", value = "0")
  void aStartRateOfZero(StressMojo mojo) {
    fails(mojo, "perf.stress.startRate = 0.0 is not accepted; expected arrivals per second > 0");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.maxRate", value = "5")
  void aMaxRateBelowTheStart(StressMojo mojo) {
    fails(mojo, "perf.stress.maxRate = 5.0 is not accepted; expected arrivals per second >= perf.stress.startRate");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.precision", value = "1")
  void aPrecisionOutsideItsRange(StressMojo mojo) {
    fails(mojo, "perf.stress.precision = 1.0 is not accepted; expected a fraction in (0, 1)");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.stepDuration", value = "500ms")
  void aStepShorterThanASecond(StressMojo mojo) {
    fails(mojo, "perf.stress.stepDuration = PT0.5S is not accepted; expected at least 1s");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.stepWarmup", value = "10s")
  void aWarmupAsLongAsTheStep(StressMojo mojo) {
    fails(mojo, "perf.stress.stepWarmup = PT10S is not accepted; expected shorter than perf.stress.stepDuration");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.maxDuration", value = "5s")
  void aMaxDurationShorterThanAStep(StressMojo mojo) {
    fails(mojo, "perf.stress.maxDuration = PT5S is not accepted; expected at least one step");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.kneeFactor", value = "1")
  void aKneeFactorOfOne(StressMojo mojo) {
    fails(mojo, "perf.stress.kneeFactor = 1.0 is not accepted; expected a number > 1");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.generatorShare", value = "0")
  void aGeneratorShareOfZero(StressMojo mojo) {
    fails(mojo, "perf.stress.generatorShare = 0.0 is not accepted; expected a share in (0, 1]");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.sloP99", value = "quick")
  void anSloThatIsNoDuration(StressMojo mojo) {
    fails(mojo, "perf.stress.sloP99");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.stress.cooldown", value = "a while")
  void aCooldownThatIsNoDuration(StressMojo mojo) {
    fails(mojo, "perf.stress.cooldown");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/")
  @UserProperty(name = "perf.start", value = "false")
  @UserProperty(name = "perf.port", value = "-1")
  void aNegativePort(StressMojo mojo) {
    fails(mojo, "perf.port = -1 is not accepted; expected 0 (a free loopback port, chosen at start) or a port from "
        + "1 to 65535");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.start", value = "image")
  void theImageOfABuildThatWasNotBuilt(StressMojo mojo) {
    Path json = build.path("target/slipway/image.json");
    fails(mojo, "perf.start=image runs the image image:build described in " + json + ", which does not exist: run "
        + "image:build first (mvn package), or name an image with perf.image");
  }

  @Test
  @InjectMojo(goal = "stress")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  void anUnreachableTargetIsTheEnvironmentsFault(StressMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessageContaining("127.0.0.1:9");
  }
}
