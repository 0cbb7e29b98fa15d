package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.tools.jib.api.buildplan.Platform;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.image.build.BuildConfig;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

/**
 * image:build's parameters as Maven binds them (plugin descriptor defaults, -D user properties, POM configuration),
 * checked on the configuration the goal hands to its builder, and the error each kind of bad value gives; all
 * in-process, without building. The build itself is tested in {@code dev.slipway.image.build} and end to end in
 * {@code it/e2e}. Registry credentials are left to their own tests.
 */
@MojoGoalTest
class BuildGoalTest {
  static final String POM = "<project><build><plugins><plugin><artifactId>image-maven-plugin</artifactId>"
      + "<configuration>";
  static final String END = "</configuration></plugin></plugins></build></project>";
  /** A registry nothing listens on: a goal that wrongly went on would fail on it, not pass. */
  static final String NOWHERE = "127.0.0.1:9";
  static final String DIGEST = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

  @Inject TestBuild build;

  private static BuildConfig config(BuildMojo mojo) throws Exception {
    return mojo.config(new Redactor(), Log.silent());
  }

  private static void fails(BuildMojo mojo, String message) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
  }

  @Test
  @InjectMojo(goal = "build")
  void defaultsBuildAScratchLayoutForBothPlatforms(BuildMojo mojo) throws Exception {
    BuildConfig c = config(mojo);
    assertThat(c.from()).isEqualTo("scratch");
    assertThat(c.platforms()).containsExactly(new Platform("amd64", "linux"), new Platform("arm64", "linux"));
    assertThat(c.to()).isNull();
    assertThat(c.layoutDir()).as("without image.to").isEqualTo(build.path("target/slipway/image"));
    assertThat(c.workDir()).isEqualTo(build.path("target/slipway"));
    assertThat(c.imageJson()).isEqualTo(build.path("target/slipway/image.json"));
    assertThat(c.classesDir()).isEqualTo(build.path("target/classes"));
    assertThat(c.name()).isEqualTo("app");
    assertThat(c.tags()).as("no git here: the project version").containsExactly("1.0.0");
    assertThat(c.user()).as("non-root").isEqualTo("65532");
    assertThat(c.appRoot()).isEqualTo("/app");
    assertThat(c.creationTime()).as("no outputTimestamp: the epoch, reproducible").isEqualTo(Instant.EPOCH);
    assertThat(c.mainClass()).isNull();
    assertThat(c.jvmFlags()).isEmpty();
    assertThat(c.args()).isEmpty();
    assertThat(c.entrypoint()).isEmpty();
    assertThat(c.environment()).isEmpty();
    assertThat(c.ports()).isEmpty();
    assertThat(c.workingDirectory()).isNull();
    assertThat(c.extraDirectories()).isEmpty();
    assertThat(c.registryAccess().insecureRegistries()).isEmpty();
    assertThat(c.labels()).containsEntry("org.opencontainers.image.title", "app")
        .containsEntry("org.opencontainers.image.version", "1.0.0")
        .containsEntry("org.opencontainers.image.created", "1970-01-01T00:00:00Z");
    assertThat(mojo.gitTags).isTrue();
    assertThat(mojo.defaultBranch).isEqualTo("main");
    assertThat(mojo.tagLatest).isTrue();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.skipAll).isFalse();
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.from", value = "127.0.0.1:5000/base/jre:17")
  @UserProperty(name = "image.platforms", value = "linux/arm64")
  @UserProperty(name = "image.to", value = "127.0.0.1:5000/team/app:1.2")
  @UserProperty(name = "image.tags", value = "ci,nightly")
  @UserProperty(name = "image.layout", value = "out/oci")
  @UserProperty(name = "image.mainClass", value = "shop.Main")
  @UserProperty(name = "image.jvmFlags", value = "-Xmx256m,-XX:+UseSerialGC")
  @UserProperty(name = "image.args", value = "--port,8080")
  @UserProperty(name = "image.environment", value = "A=1,B=x=y")
  @UserProperty(name = "image.ports", value = "8080,9000-9002,53/udp")
  @UserProperty(name = "image.workingDirectory", value = "/srv")
  @UserProperty(name = "image.user", value = "1000")
  @UserProperty(name = "image.appRoot", value = "/opt/app")
  @UserProperty(name = "image.labels", value = "team=shop,org.opencontainers.image.title=Shop")
  @UserProperty(name = "image.extraDirectories", value = "src/main/extra:/opt/extra")
  @UserProperty(name = "image.extraDirectoryPermissions", value = "/opt/extra/bin/*=755")
  @UserProperty(name = "image.creationTime", value = "2026-02-03T04:05:06Z")
  @UserProperty(name = "image.insecureRegistries", value = "127.0.0.1:5000")
  @UserProperty(name = "image.workDir", value = "build/slipway")
  void everyPropertyBindsAndListsSplitAtCommas(BuildMojo mojo) throws Exception {
    BuildConfig c = config(mojo);
    assertThat(c.from()).isEqualTo("127.0.0.1:5000/base/jre:17");
    assertThat(c.platforms()).containsExactly(new Platform("arm64", "linux"));
    assertThat(c.to()).as("the tag moves to the tag list").isEqualTo(new ImageRef("127.0.0.1:5000", "team/app", null,
        null));
    assertThat(c.tags()).containsExactly("1.2", "ci", "nightly");
    assertThat(c.layoutDir()).as("relative paths are the project's").isEqualTo(build.path("out/oci"));
    assertThat(c.workDir()).isEqualTo(build.path("build/slipway"));
    assertThat(c.mainClass()).isEqualTo("shop.Main");
    assertThat(c.jvmFlags()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
    assertThat(c.args()).containsExactly("--port", "8080");
    assertThat(c.environment()).isEqualTo(Map.of("A", "1", "B", "x=y"));
    assertThat(c.ports()).containsExactly("8080", "9000-9002", "53/udp");
    assertThat(c.workingDirectory()).isEqualTo("/srv");
    assertThat(c.user()).isEqualTo("1000");
    assertThat(c.appRoot()).isEqualTo("/opt/app");
    assertThat(c.labels()).containsEntry("team", "shop").as("an explicit label beats the derived one")
        .containsEntry("org.opencontainers.image.title", "Shop")
        .containsEntry("org.opencontainers.image.base.name", "127.0.0.1:5000/base/jre:17");
    assertThat(c.extraDirectories()).singleElement().satisfies(e -> {
      assertThat(e.from()).isEqualTo(build.path("src/main/extra"));
      assertThat(e.into()).isEqualTo("/opt/extra");
      assertThat(e.permissions()).isEqualTo(Map.of("/opt/extra/bin/*", "755"));
    });
    assertThat(c.creationTime()).isEqualTo(Instant.parse("2026-02-03T04:05:06Z"));
    assertThat(c.registryAccess().insecureRegistries()).containsExactly("127.0.0.1:5000");
  }

  @Test
  @InjectMojo(goal = "build", pom = POM + "<jvmFlags><jvmFlag>-Dshop.regions=eu,us</jvmFlag></jvmFlags>"
      + "<entrypoint><arg>/bin/sh</arg><arg>-c</arg><arg>exec java -cp /app/classes:/app/libs/* shop.Main</arg>"
      + "</entrypoint>" + END)
  void inThePomAnEntryMayHoldACommaWhichADashDValueCannot(BuildMojo mojo) throws Exception {
    BuildConfig c = config(mojo);
    assertThat(c.jvmFlags()).containsExactly("-Dshop.regions=eu,us");
    assertThat(c.entrypoint()).containsExactly("/bin/sh", "-c", "exec java -cp /app/classes:/app/libs/* shop.Main");
  }

  @Test
  @InjectMojo(goal = "build", pom = "<project><name>Shop</name><version>2.0.0-SNAPSHOT</version>"
      + "<description>The shop</description><url>https://shop.example</url>"
      + "<licenses><license><name>Apache-2.0</name></license></licenses>"
      + "<organization><name>Shop Inc</name></organization>"
      + "<scm><url>https://github.com/shop/shop</url></scm>"
      + "<properties><project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>"
      + "</properties></project>")
  void theProjectFeedsLabelsTagAndCreationTime(BuildMojo mojo) throws Exception {
    BuildConfig c = config(mojo);
    assertThat(c.labels()).containsEntry("org.opencontainers.image.title", "Shop")
        .containsEntry("org.opencontainers.image.description", "The shop")
        .containsEntry("org.opencontainers.image.version", "2.0.0-SNAPSHOT")
        .containsEntry("org.opencontainers.image.url", "https://shop.example")
        .containsEntry("org.opencontainers.image.source", "https://github.com/shop/shop")
        .containsEntry("org.opencontainers.image.licenses", "Apache-2.0")
        .containsEntry("org.opencontainers.image.vendor", "Shop Inc");
    assertThat(c.tags()).containsExactly("2.0.0-SNAPSHOT");
    assertThat(c.creationTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }

  // Maven's order: explicit POM configuration, then -D, then the POM's <properties>, then the default

  @Test
  @InjectMojo(goal = "build", pom = "<project><properties><image.user>3000</image.user></properties></project>")
  void aPomPropertySetsTheDefault(BuildMojo mojo) throws Exception {
    assertThat(config(mojo).user()).isEqualTo("3000");
  }

  @Test
  @InjectMojo(goal = "build", pom = "<project><properties><image.user>3000</image.user></properties></project>")
  @UserProperty(name = "image.user", value = "1000")
  void aUserPropertyBeatsThePomProperty(BuildMojo mojo) throws Exception {
    assertThat(config(mojo).user()).isEqualTo("1000");
  }

  @Test
  @InjectMojo(goal = "build", pom = "<project><properties><image.user>3000</image.user></properties></project>")
  @MojoParameter(name = "user", value = "2000")
  @UserProperty(name = "image.user", value = "1000")
  void explicitConfigurationBeatsBoth(BuildMojo mojo) throws Exception {
    assertThat(config(mojo).user()).isEqualTo("2000");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.to", value = "127.0.0.1:5000/team/app")
  void withImageToNoLayoutUnlessAsked(BuildMojo mojo) throws Exception {
    assertThat(config(mojo).layoutDir()).isNull();
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.build.skip")
  @UserProperty(name = "image.to", value = NOWHERE + "/app")
  @UserProperty(name = "image.platforms", value = "linux/sparc")
  void skipDoesNothingNotEvenCheckTheConfiguration(BuildMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:build skipped (image.build.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.skip")
  @UserProperty(name = "image.to", value = NOWHERE + "/app")
  @UserProperty(name = "image.platforms", value = "linux/sparc")
  void imageSkipSkipsItToo(BuildMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:build skipped (image.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.platforms", value = "linux/amd64,arm64")
  void aPlatformWithoutOsNamesTheParameterAndTheForm(BuildMojo mojo) {
    fails(mojo, "image.platforms: 'arm64' is not a platform: expected os/arch with os one of [linux, windows] and "
        + "arch one of [amd64, arm64");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.platforms", value = " , ")
  void noPlatformAtAll(BuildMojo mojo) {
    fails(mojo, "image.platforms is empty: expected e.g. linux/amd64,linux/arm64");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.to", value = "127.0.0.1:5000/app@" + DIGEST)
  void aPushTargetWithADigest(BuildMojo mojo) {
    fails(mojo, "image.to = '127.0.0.1:5000/app@" + DIGEST + "' names a digest");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.to", value = "Not An Image")
  void aPushTargetThatIsNoReference(BuildMojo mojo) {
    fails(mojo, "image.to = 'Not An Image' is not a valid image reference");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.from", value = "Not An Image")
  void aBaseThatIsNoReference(BuildMojo mojo) {
    fails(mojo, "image.from = 'Not An Image' is not a valid image reference");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.tags", value = "ok,-bad")
  void anInvalidTagListsTheRules(BuildMojo mojo) {
    fails(mojo, "image.tags: '-bad' is not a valid tag (letters, digits, '_', '.', '-'; must not start with '.' "
        + "or '-'; at most 128 characters)");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.labels", value = "team")
  void aLabelWithoutValue(BuildMojo mojo) {
    fails(mojo, "image.labels: 'team' is not KEY=value");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.environment", value = "=1")
  void anEnvironmentVariableWithoutName(BuildMojo mojo) {
    fails(mojo, "image.environment: '=1' is not KEY=value");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.extraDirectoryPermissions", value = "755")
  void aPermissionWithoutGlob(BuildMojo mojo) {
    fails(mojo, "image.extraDirectoryPermissions: '755' is not KEY=value");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.creationTime", value = "yesterday")
  void aCreationTimeThatIsNoTimestamp(BuildMojo mojo) {
    fails(mojo, "image.creationTime = 'yesterday' is not a timestamp");
  }

  @Test
  @InjectMojo(goal = "build", pom = "<project><properties><project.build.outputTimestamp>last week"
      + "</project.build.outputTimestamp></properties></project>")
  void aBadOutputTimestampIsNamed(BuildMojo mojo) {
    fails(mojo, "project.build.outputTimestamp = 'last week' is not a timestamp");
  }

  @Test
  @InjectMojo(goal = "build")
  void noMainClassAnywhereSaysHowToSetOne(BuildMojo mojo) throws Exception {
    Files.createDirectories(build.path("target/classes"));
    fails(mojo, "image.mainClass is not set, the jar manifest names no Main-Class");
    assertThat(build.written()).containsExactly("target", "target/classes");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.mainClass", value = "shop.Main")
  @UserProperty(name = "image.ports", value = "8080,http")
  void aPortThatIsNoPortFailsBeforeAnythingIsWritten(BuildMojo mojo) throws Exception {
    Files.createDirectories(build.path("target/classes"));
    fails(mojo, "image.ports [8080, http]: expected port numbers, ranges or port/protocol such as 8080, 9000-9002, "
        + "53/udp");
    assertThat(build.written()).containsExactly("target", "target/classes");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.mainClass", value = "shop.Main")
  @UserProperty(name = "image.extraDirectories", value = "src/main/missing")
  void aMissingExtraDirectoryFailsBeforeAnythingIsWritten(BuildMojo mojo) throws Exception {
    Files.createDirectories(build.path("target/classes"));
    fails(mojo, "image.extraDirectories: " + build.path("src/main/missing") + " is not a directory");
    assertThat(build.written()).containsExactly("target", "target/classes");
  }

  @Test
  @InjectMojo(goal = "build")
  @UserProperty(name = "image.mainClass", value = "shop.Main")
  @UserProperty(name = "image.extraDirectories", value = "src/main/extra:/opt/extra")
  @UserProperty(name = "image.extraDirectoryPermissions", value = "/opt/extra/bin/*=rwx")
  void aPermissionThatIsNoOctalModeFailsBeforeAnythingIsWritten(BuildMojo mojo) throws Exception {
    Files.createDirectories(build.path("target/classes"));
    Files.createDirectories(build.path("src/main/extra/bin"));
    fails(mojo, "image.extraDirectoryPermissions '/opt/extra/bin/*=rwx': expected a glob of in-image paths and a "
        + "three-digit octal mode such as /app/bin/*=755");
    assertThat(build.written()).containsExactly("src", "src/main", "src/main/extra", "src/main/extra/bin", "target",
        "target/classes");
  }
}
