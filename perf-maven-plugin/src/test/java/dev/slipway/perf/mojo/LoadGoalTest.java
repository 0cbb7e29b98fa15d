package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.perf.load.LoadConfig;
import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.load.LoadTest;
import dev.slipway.perf.load.Phase;
import dev.slipway.perf.load.Scenario;
import dev.slipway.perf.results.WorkloadModel;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * perf:load's parameters as Maven binds them (plugin descriptor defaults, -D user properties, POM configuration),
 * and the error each kind of bad value gives, in-process; the load itself is tested in {@code dev.slipway.perf.load}
 * and end to end in {@code it/e2e}. Error cases aim at a closed port, so a check that stopped working fails the test
 * with "unreachable" instead of passing.
 */
@MojoGoalTest
class LoadGoalTest {
  static final String CLOSED_PORT = "http://127.0.0.1:9/health";
  static final String POM = "<project><build><plugins><plugin><artifactId>perf-maven-plugin</artifactId>"
      + "<configuration>";
  static final String END = "</configuration></plugin></plugins></build></project>";

  @Inject TestBuild build;

  private static void fails(LoadMojo mojo, String message) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
  }

  @Test
  @InjectMojo(goal = "load")
  void defaults(LoadMojo mojo) throws Exception {
    LoadSettings s = mojo.settings();
    assertThat(s.target()).isNull();
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.model()).isEqualTo("auto");
    assertThat(s.threads()).isZero();
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.runs()).isEqualTo(1);
    assertThat(s.progressInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.outputDir()).isEqualTo(build.path("target/slipway/perf"));
    assertThat(s.packagedJar()).isEqualTo(build.path("target/app-1.0.0.jar"));
    assertThat(s.workDir()).isEqualTo(build.dir());
    assertThat(s.rate()).isNull();
    assertThat(s.connections()).isNull();
    assertThat(s.warmup()).isNull();
    assertThat(s.start()).isNull();
    assertThat(s.health()).isNull();
    assertThat(s.requests()).isEmpty();
    assertThat(s.phases()).isEmpty();
    assertThat(mojo.failOnAbort).isTrue();
    assertThat(mojo.skip).isFalse();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:8081/api?x=1")
  @UserProperty(name = "perf.rate", value = "50")
  @UserProperty(name = "perf.rampTo", value = "100")
  @UserProperty(name = "perf.duration", value = "2m")
  @UserProperty(name = "perf.connections", value = "8")
  @UserProperty(name = "perf.threads", value = "2")
  @UserProperty(name = "perf.warmup", value = "10s")
  @UserProperty(name = "perf.timeout", value = "1500ms")
  @UserProperty(name = "perf.runs", value = "3")
  @UserProperty(name = "perf.progressInterval", value = "1s")
  @UserProperty(name = "perf.outputDirectory", value = "out/perf")
  @UserProperty(name = "perf.start", value = "jar")
  @UserProperty(name = "perf.health", value = "http://127.0.0.1:8081/ready")
  @UserProperty(name = "perf.startTimeout", value = "5s")
  @UserProperty(name = "perf.failOnAbort", value = "false")
  void everyPropertyBinds(LoadMojo mojo) throws Exception {
    LoadSettings s = mojo.settings();
    assertThat(s.target()).isEqualTo(URI.create("http://127.0.0.1:8081/api?x=1"));
    assertThat(s.threads()).isEqualTo(2);
    assertThat(s.runs()).isEqualTo(3);
    assertThat(s.outputDir()).as("a relative path is the project's").isEqualTo(build.path("out/perf"));
    assertThat(s.start()).isEqualTo("jar");
    assertThat(s.health()).isEqualTo(URI.create("http://127.0.0.1:8081/ready"));
    assertThat(s.startTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(mojo.failOnAbort).isFalse();

    LoadConfig c = LoadTest.resolve(s);
    assertThat(c.model()).as("a rate makes the auto model open").isEqualTo(WorkloadModel.OPEN);
    assertThat(c.schedule().phases()).containsExactly(new Phase(Duration.ofMinutes(2), 50, 100));
    assertThat(c.connections()).isEqualTo(8);
    assertThat(c.warmup()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.progressInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.scenarios()).singleElement().satisfies(sc -> assertThat(sc.steps().get(0).path())
        .isEqualTo("/api?x=1"));
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.model", value = "closed")
  @UserProperty(name = "perf.duration", value = "20s")
  void closedModelByProperty(LoadMojo mojo) throws Exception {
    LoadConfig c = LoadTest.resolve(mojo.settings());
    assertThat(c.model()).isEqualTo(WorkloadModel.CLOSED);
    assertThat(c.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.connections()).as("closed-model default").isEqualTo(32);
    assertThat(c.warmup()).as("20 % of the run").isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>http://127.0.0.1:8081</target>"
      + "<requests>"
      + "<request><name>list</name><path>/orders</path><weight>3</weight><expect>200,404</expect>"
      + "<think>100ms</think></request>"
      + "<request><method>post</method><path>/orders</path><body>{}</body>"
      + "<headers><Content-Type>application/json</Content-Type></headers></request>"
      + "</requests>"
      + "<phases><phase><duration>10s</duration><arrivalRate>5</arrivalRate></phase>"
      + "<phase><duration>20s</duration><arrivalRate>5</arrivalRate><rampTo>40</rampTo></phase></phases>"
      + "<startEnvironment><PORT>8081</PORT></startEnvironment>"
      + END)
  void requestsPhasesAndStartEnvironmentFromThePom(LoadMojo mojo) throws Exception {
    LoadSettings s = mojo.settings();
    assertThat(s.startEnvironment()).isEqualTo(Map.of("PORT", "8081"));
    LoadConfig c = LoadTest.resolve(s);
    assertThat(c.model()).as("phases make the auto model open").isEqualTo(WorkloadModel.OPEN);
    assertThat(c.schedule().phases()).containsExactly(new Phase(Duration.ofSeconds(10), 5, 5),
        new Phase(Duration.ofSeconds(20), 5, 40));
    assertThat(c.scenarios()).extracting(Scenario::weight).containsExactly(3, 1);
    var list = c.scenarios().get(0).steps().get(0);
    assertThat(list.name()).isEqualTo("list");
    assertThat(list.think()).isEqualTo(Duration.ofMillis(100));
    assertThat(list.expect().accepts(404)).isTrue();
    assertThat(list.expect().accepts(201)).isFalse();
    var post = c.scenarios().get(1).steps().get(0);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.headers()).containsEntry("Content-Type", "application/json");
    assertThat(new String(post.body())).isEqualTo("{}");
  }

  // Maven's order: explicit POM configuration, then -D, then the POM's <properties>, then the default

  @Test
  @InjectMojo(goal = "load", pom = "<project><properties><perf.duration>7s</perf.duration></properties></project>")
  void aPomPropertySetsTheDefault(LoadMojo mojo) throws Exception {
    assertThat(mojo.settings().duration()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  @InjectMojo(goal = "load", pom = "<project><properties><perf.duration>7s</perf.duration></properties></project>")
  @UserProperty(name = "perf.duration", value = "2m")
  void aUserPropertyBeatsThePomProperty(LoadMojo mojo) throws Exception {
    assertThat(mojo.settings().duration()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  @InjectMojo(goal = "load")
  @MojoParameter(name = "duration", value = "5s")
  @UserProperty(name = "perf.duration", value = "2m")
  void explicitConfigurationBeatsTheUserProperty(LoadMojo mojo) throws Exception {
    assertThat(mojo.settings().duration()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.skip")
  @UserProperty(name = "perf.model", value = "sideways")
  void skipDoesNothingNotEvenCheckTheConfiguration(LoadMojo mojo) throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      mojo.target = "http://127.0.0.1:" + target.getLocalPort() + "/";
      mojo.execute();
      target.setSoTimeout(1);
      assertThatThrownBy(target::accept).as("no connection to the target").isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(build.log().lines()).containsExactly("[INFO] perf:load skipped (perf.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "load")
  void noTargetNamesTheProperty(LoadMojo mojo) {
    fails(mojo, "perf.target is not set: give the URL to load, e.g. -Dperf.target=http://127.0.0.1:8080/health");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "https://127.0.0.1:9/")
  void anHttpsTargetIsRefused(LoadMojo mojo) {
    fails(mojo, "perf.target: 'https://127.0.0.1:9/' is not an http:// URL with a host");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:9/a b")
  void aTargetThatIsNoUrl(LoadMojo mojo) {
    fails(mojo, "perf.target: 'http://127.0.0.1:9/a b' is not a URL");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "http://user:canary-pw@127.0.0.1:9/")
  void credentialsInTheTargetAreRefusedWithoutRepeatingThem(LoadMojo mojo) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.target must not carry credentials").message().doesNotContain("canary-pw");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.health", value = "http://127.0.0.1:9/rea dy")
  void aHealthUrlThatIsNoUrl(LoadMojo mojo) {
    fails(mojo, "perf.health: 'http://127.0.0.1:9/rea dy' is not a URL");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.model", value = "sideways")
  void unknownModelListsTheModels(LoadMojo mojo) {
    fails(mojo, "perf.model: 'sideways' is not one of auto, open, closed");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.model", value = "open")
  void openModelWithoutARate(LoadMojo mojo) {
    fails(mojo, "perf.model=open needs an arrival rate: -Dperf.rate=... with perf.duration, <phases> in the POM");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.rate", value = "0")
  void aRateMustBePositive(LoadMojo mojo) {
    fails(mojo, "perf.rate must be > 0 arrivals per second, was 0.0");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.connections", value = "0")
  void connectionsMustBePositive(LoadMojo mojo) {
    fails(mojo, "perf.connections must be >= 1, was 0");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.threads", value = "-1")
  void threadsMustNotBeNegative(LoadMojo mojo) {
    fails(mojo, "perf.threads must be >= 0 (0 = automatic), was -1");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.runs", value = "0")
  void runsMustBePositive(LoadMojo mojo) {
    fails(mojo, "perf.runs must be >= 1, was 0");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.timeout", value = "0s")
  void aZeroTimeoutIsRefused(LoadMojo mojo) {
    fails(mojo, "perf.timeout must be positive, was 0s");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.duration", value = "10s")
  @UserProperty(name = "perf.warmup", value = "10s")
  void warmupMustBeShorterThanTheRun(LoadMojo mojo) {
    fails(mojo, "perf.warmup (10s) must be shorter than the run (10s)");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.duration", value = "forever")
  void aDurationThatIsNone(LoadMojo mojo) {
    fails(mojo, "perf.duration: 'forever' is not a duration; write e.g. 500ms, 30s, 2m, 1h");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.warmup", value = "a bit")
  void aWarmupThatIsNoDuration(LoadMojo mojo) {
    fails(mojo, "perf.warmup: 'a bit' is not a duration");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.timeout", value = "soon")
  void aTimeoutThatIsNoDuration(LoadMojo mojo) {
    fails(mojo, "perf.timeout: 'soon' is not a duration");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.progressInterval", value = "often")
  void aProgressIntervalThatIsNoDuration(LoadMojo mojo) {
    fails(mojo, "perf.progressInterval: 'often' is not a duration");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.startTimeout", value = "patiently")
  void aStartTimeoutThatIsNoDuration(LoadMojo mojo) {
    fails(mojo, "perf.startTimeout: 'patiently' is not a duration");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.scenario", value = "src/test/load/missing.yml")
  void aMissingScenarioFileIsNamed(LoadMojo mojo) {
    fails(mojo, "perf.scenario: " + build.path("src/test/load/missing.yml") + " does not exist");
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>" + CLOSED_PORT + "</target>"
      + "<requests><request><path>/a</path></request><request><path>/b</path><weight>-1</weight></request></requests>"
      + END)
  void aNegativeWeightNamesTheRequest(LoadMojo mojo) {
    fails(mojo, "<requests><request> #2 <weight>: must be a whole number >= 0 (0 sends none), was -1");
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>" + CLOSED_PORT + "</target>"
      + "<requests><request><path>/a</path><expect>ok</expect></request></requests>" + END)
  void aBadExpectedStatusNamesTheRequest(LoadMojo mojo) {
    fails(mojo, "<requests><request> #1 <expect>: expected status 'ok'");
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>" + CLOSED_PORT + "</target>"
      + "<requests><request><path>/a</path><think>a while</think></request></requests>" + END)
  void aBadThinkTimeNamesTheRequest(LoadMojo mojo) {
    fails(mojo, "<requests><request> #1 <think>: 'a while' is not a duration");
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>" + CLOSED_PORT + "</target>"
      + "<requests><request><path>/a</path><weight>0</weight></request></requests>" + END)
  void onlyZeroWeights(LoadMojo mojo) {
    fails(mojo, "every request has weight 0; give at least one a weight >= 1");
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>" + CLOSED_PORT + "</target>"
      + "<phases><phase><duration>10s</duration><arrivalRate>5</arrivalRate></phase>"
      + "<phase><duration>later</duration><arrivalRate>5</arrivalRate></phase></phases>" + END)
  void aBadPhaseDurationNamesThePhase(LoadMojo mojo) {
    fails(mojo, "<phases><phase> #2 <duration>: 'later' is not a duration");
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>" + CLOSED_PORT + "</target>"
      + "<phases><phase><duration>10s</duration><arrivalRate>-5</arrivalRate></phase></phases>" + END)
  void aNegativeArrivalRateNamesThePhase(LoadMojo mojo) {
    fails(mojo, "<phases><phase> #1: phase arrival rates must be >= 0, were -5.0");
  }

  // perf.start=image, perf.port, and the tests' skip switches

  @Test
  @InjectMojo(goal = "load")
  void theNewParametersDefaults(LoadMojo mojo) throws Exception {
    LoadSettings s = mojo.settings();
    assertThat(s.image().imageJson()).isEqualTo(build.path("target/slipway/image.json"));
    assertThat(s.image().image()).isNull();
    assertThat(s.image().platform()).isEqualTo("linux/amd64");
    assertThat(mojo.port).isNull();
    assertThat(mojo.portVariable).isEqualTo("PORT");
    assertThat(mojo.skipTests).isFalse();
    assertThat(mojo.skipITs).isFalse();
    assertThat(mojo.mavenTestSkip).isFalse();
    assertThat(mojo.perfSkipTests).isNull();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/api")
  @UserProperty(name = "perf.start", value = "image")
  @UserProperty(name = "perf.port", value = "0")
  @UserProperty(name = "perf.portVariable", value = "SERVER_PORT")
  @UserProperty(name = "perf.image", value = "127.0.0.1:5000/hello:1")
  @UserProperty(name = "perf.imagePlatform", value = "linux/arm64")
  @UserProperty(name = "perf.imageJson", value = "build/image.json")
  void imageAndPortPropertiesBind(LoadMojo mojo) throws Exception {
    LoadSettings s = mojo.settings();
    int port = s.target().getPort();
    assertThat(port).as("perf.port=0 chose a free port").isPositive();
    assertThat(s.target()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/api"));
    assertThat(s.startEnvironment()).isEqualTo(Map.of("SERVER_PORT", String.valueOf(port)));
    assertThat(s.start()).isEqualTo("image");
    assertThat(s.image().image()).isEqualTo("127.0.0.1:5000/hello:1");
    assertThat(s.image().platform()).isEqualTo("linux/arm64");
    assertThat(s.image().imageJson()).isEqualTo(build.path("build/image.json"));
  }

  @Test
  @InjectMojo(goal = "load", pom = POM + "<target>http://127.0.0.1:0</target><health>http://127.0.0.1:0/health</health>"
      + "<start>jar</start><port>0</port><startEnvironment><PORT>0</PORT><BIND>127.0.0.1</BIND></startEnvironment>"
      + END)
  void portZeroFromThePomGivesEveryBuildItsOwnPort(LoadMojo mojo) throws Exception {
    LoadSettings first = mojo.settings();
    LoadSettings second = mojo.settings();
    int port = first.target().getPort();
    assertThat(first.health()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/health"));
    assertThat(first.startEnvironment()).as("the chosen port replaces the POM's 0")
        .isEqualTo(Map.of("PORT", String.valueOf(port), "BIND", "127.0.0.1"));
    assertThat(second.target().getPort()).as("chosen afresh, not fixed").isPositive();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/api")
  @UserProperty(name = "perf.port", value = "0")
  void portZeroWithoutStartChangesNothing(LoadMojo mojo) throws Exception {
    LoadSettings s = mojo.settings();
    assertThat(s.target()).isEqualTo(URI.create("http://127.0.0.1:0/api"));
    assertThat(s.startEnvironment()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "skipTests")
  @UserProperty(name = "perf.model", value = "sideways")
  void skipTestsSkipsTheLoadTestAsItSkipsFailsafe(LoadMojo mojo) throws Exception {
    try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      mojo.target = "http://127.0.0.1:" + target.getLocalPort() + "/";
      mojo.execute();
      target.setSoTimeout(1);
      assertThatThrownBy(target::accept).as("no connection to the target").isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(build.log().lines())
        .containsExactly("[INFO] perf:load skipped (skipTests; -Dperf.skipTests=false runs it all the same)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "skipITs")
  @UserProperty(name = "perf.model", value = "sideways")
  void skipItsSkipsTheLoadTest(LoadMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines())
        .containsExactly("[INFO] perf:load skipped (skipITs; -Dperf.skipTests=false runs it all the same)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "maven.test.skip")
  @UserProperty(name = "perf.model", value = "sideways")
  void mavenTestSkipSkipsTheLoadTest(LoadMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines())
        .containsExactly("[INFO] perf:load skipped (maven.test.skip; -Dperf.skipTests=false runs it all the same)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "load", pom = "<project><properties><skipTests>true</skipTests></properties></project>")
  @UserProperty(name = "perf.model", value = "sideways")
  void skipTestsAsAPomPropertySkipsItToo(LoadMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).singleElement().asString().startsWith("[INFO] perf:load skipped (skipTests;");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.skipTests", value = "true")
  @UserProperty(name = "perf.model", value = "sideways")
  void perfSkipTestsSkipsOnlyThePerfGoals(LoadMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] perf:load skipped (perf.skipTests)");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "skipTests")
  @UserProperty(name = "skipITs")
  @UserProperty(name = "perf.skipTests", value = "false")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.model", value = "sideways")
  void perfSkipTestsFalseRunsTheLoadTestDespiteSkipTests(LoadMojo mojo) {
    fails(mojo, "perf.model");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/")
  @UserProperty(name = "perf.start", value = "jar")
  @UserProperty(name = "perf.port", value = "65536")
  void aPortOutOfRange(LoadMojo mojo) {
    fails(mojo, "perf.port = 65536 is not accepted; expected 0 (a free loopback port, chosen at start) or a port "
        + "from 1 to 65535");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = "http://127.0.0.1:0/")
  @UserProperty(name = "perf.start", value = "jar")
  @UserProperty(name = "perf.port", value = "0")
  @UserProperty(name = "perf.portVariable", value = "MY PORT")
  void aPortVariableThatIsNoName(LoadMojo mojo) {
    fails(mojo, "perf.portVariable = 'MY PORT' is not an environment variable name");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.start", value = "image")
  void theImageOfABuildWithoutImageJson(LoadMojo mojo) {
    fails(mojo, "perf.start=image runs the image image:build described in " + build.path("target/slipway/image.json")
        + ", which does not exist: run image:build first (mvn package), or name an image with perf.image");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.start", value = "image")
  void anImageThatWasNotPushed(LoadMojo mojo) throws Exception {
    new dev.slipway.common.image.BuiltImage(1, "hello@sha256:" + "0".repeat(64), "hello", java.util.List.of(),
        "sha256:" + "0".repeat(64), "application/vnd.oci.image.index.v1+json", java.util.List.of(), "/tmp/layout",
        false, null, "2026-01-01T00:00:00Z").write(build.path("target/slipway/image.json"));
    fails(mojo, "describes an image that was not pushed (only the OCI layout /tmp/layout was written); "
        + "perf.start=image pulls the image by digest from its registry");
  }

  @Test
  @InjectMojo(goal = "load")
  @UserProperty(name = "perf.target", value = CLOSED_PORT)
  @UserProperty(name = "perf.start", value = "image")
  @UserProperty(name = "perf.imagePlatform", value = "linux/s390x")
  void aPlatformTheImageLacks(LoadMojo mojo) throws Exception {
    new dev.slipway.common.image.BuiltImage(1, "127.0.0.1:9/hello@sha256:" + "0".repeat(64), "127.0.0.1:9/hello",
        java.util.List.of("1"), "sha256:" + "0".repeat(64), "application/vnd.oci.image.index.v1+json",
        java.util.List.of(new dev.slipway.common.image.BuiltImage.Platform("linux", "amd64", "sha256:" + "1".repeat(64),
            100), new dev.slipway.common.image.BuiltImage.Platform("linux", "arm64", "sha256:" + "2".repeat(64), 100)),
        null, true, null, "2026-01-01T00:00:00Z").write(build.path("target/slipway/image.json"));
    fails(mojo, "perf.imagePlatform = linux/s390x is not a platform of the image in "
        + build.path("target/slipway/image.json") + "; it has linux/amd64, linux/arm64");
  }
}
