package dev.slipway.deploy.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.testkit.GitHubStandIn;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.junit.jupiter.api.Test;

/**
 * deploy:release's parameters as Maven binds them, in-process: defaults, -D properties, the POM's release files,
 * skip, and the error of each kind of bad configuration; one release made against the GitHub stand-in shows the
 * bound values are the ones used. What goes into a release is {@code ReleaserTest}'s. Every test replaces the
 * process environment, so a CI job's GITHUB_* variables cannot decide for it.
 */
@MojoGoalTest
class ReleaseGoalTest {
  static final String POM = "<project><build><plugins><plugin><artifactId>deploy-maven-plugin</artifactId>"
      + "<configuration>";
  static final String END = "</configuration></plugin></plugins></build></project>";
  static final String TOKEN = "ghp_releaseGoalCanaryToken0000000000000001";
  static final String DIGEST = "sha256:" + "5".repeat(64);

  @Inject TestBuild build;

  private void imageJson() throws Exception {
    new BuiltImage(1, "127.0.0.1:5000/shop/web@" + DIGEST, "127.0.0.1:5000/shop/web", List.of("1.4.0"), DIGEST,
        null, List.of(), null, true, null, null).write(build.path("target/slipway/image.json"));
  }

  private static void fails(ReleaseMojo mojo, String message) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  void defaults(ReleaseMojo mojo) {
    assertThat(mojo.tag).as("the v*.*.* tag on HEAD").isNull();
    assertThat(mojo.image).isNull();
    assertThat(mojo.imageJson).isEqualTo(build.path("target/slipway/image.json").toFile());
    assertThat(mojo.verifiedJson).isEqualTo(build.path("target/slipway/verified.json").toFile());
    assertThat(mojo.scanJson).isEqualTo(build.path("target/slipway/scan/scan.json").toFile());
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.githubApiUrl).isNull();
    assertThat(mojo.githubTokenEnv).isEqualTo("GITHUB_TOKEN");
    assertThat(mojo.githubServer).isEqualTo("github");
    assertThat(mojo.releaseRepository).isNull();
    assertThat(mojo.releaseFiles).containsExactly("sbom/*.cdx.json", "sbom/*.cdx.xml", "sbom/*.spdx.json",
        "scan/scan.json", "scan/scan.sarif", "verified.json", "signatures/*.sigstore.json", "image.json");
    assertThat(mojo.slipwayDirectory).isEqualTo(build.path("target/slipway").toFile());
    assertThat(mojo.journalDirectory).isEqualTo(build.path("target/slipway/deploy").toFile());
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  @UserProperty(name = "deploy.image", value = "127.0.0.1:5000/shop/web@" + "sha256:" + "6666666666666666666666666666666666666666666666666666666666666666")
  @UserProperty(name = "deploy.imageJson", value = "out/image.json")
  @UserProperty(name = "deploy.verifiedJson", value = "out/verified.json")
  @UserProperty(name = "deploy.scanJson", value = "out/scan.json")
  @UserProperty(name = "deploy.github.apiUrl", value = "https://ghe.shop.example/api/v3")
  @UserProperty(name = "deploy.github.tokenEnv", value = "SHOP_GH_TOKEN")
  @UserProperty(name = "deploy.github.server", value = "shop-github")
  @UserProperty(name = "deploy.release.repository", value = "shop/web")
  @UserProperty(name = "deploy.journalDirectory", value = "journals")
  void everyPropertyBinds(ReleaseMojo mojo) throws Exception {
    assertThat(mojo.tag).isEqualTo("v1.4.0");
    assertThat(mojo.image).endsWith("@sha256:" + "6".repeat(64));
    assertThat(mojo.imageJson).isEqualTo(build.path("out/image.json").toFile());
    assertThat(mojo.verifiedJson).isEqualTo(build.path("out/verified.json").toFile());
    assertThat(mojo.scanJson).isEqualTo(build.path("out/scan.json").toFile());
    assertThat(mojo.githubTokenEnv).isEqualTo("SHOP_GH_TOKEN");
    assertThat(mojo.githubServer).isEqualTo("shop-github");
    assertThat(mojo.journalDirectory).isEqualTo(build.path("journals").toFile());
    mojo.processEnv = Map.of();
    assertThat(mojo.githubApi()).hasToString("https://ghe.shop.example/api/v3");
    assertThat(mojo.releaseRepository(mojo.buildInfo(mojo.imageJson))).isEqualTo("shop/web");
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + "<releaseFiles><releaseFile>scan.json</releaseFile>"
      + "<releaseFile>sbom/*.cdx.json</releaseFile></releaseFiles>" + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  @UserProperty(name = "deploy.release.repository", value = "shop/web")
  @UserProperty(name = "deploy.github.tokenEnv", value = "SHOP_GH_TOKEN")
  void aReleaseGoesWhereTheParametersSayWithThePomsFiles(ReleaseMojo mojo) throws Exception {
    imageJson();
    Files.writeString(build.path("target/slipway/scan.json"), "{}");
    Files.createDirectories(build.path("target/slipway/sbom"));
    Files.writeString(build.path("target/slipway/sbom/app.cdx.json"), "{\"bomFormat\":\"CycloneDX\"}");
    Files.writeString(build.path("target/slipway/verified.json"), "{}");
    try (GitHubStandIn github = new GitHubStandIn(TOKEN)) {
      mojo.processEnv = Map.of("SHOP_GH_TOKEN", TOKEN, "GITHUB_TOKEN", "not-this-one");
      mojo.githubApiUrl = github.api().toString();
      mojo.execute();
      assertThat(github.releases()).hasSize(1);
      JsonNode release = github.releases().get(0);
      assertThat(release.path("tag_name").asText()).isEqualTo("v1.4.0");
      assertThat(release.path("body").asText()).contains(DIGEST);
      assertThat(release.path("assets").findValuesAsText("name")).as("the POM's list, not the default")
          .containsExactlyInAnyOrder("scan.json", "app.cdx.json");
      assertThat(github.server().requests()).allSatisfy(r -> assertThat(r.path()).contains("/repos/shop/web/"));
    }
    assertThat(build.log().text()).doesNotContain(TOKEN);
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.skip")
  @UserProperty(name = "deploy.release.tag", value = "1.4")
  @UserProperty(name = "deploy.github.apiUrl", value = "http://127.0.0.1:9")
  void skipDoesNothingNotEvenCheckTheConfiguration(ReleaseMojo mojo) throws Exception {
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN);
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] deploy:release skipped (deploy.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "1.4")
  @UserProperty(name = "deploy.release.repository", value = "shop/web")
  @UserProperty(name = "deploy.github.apiUrl", value = "http://127.0.0.1:9")
  void aTagThatIsNoReleaseTag(ReleaseMojo mojo) throws Exception {
    imageJson();
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN);
    fails(mojo, "deploy.release.tag: '1.4' is not a v*.*.* tag (e.g. v1.4.0, v2.0.0-rc.1)");
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.repository", value = "shop/web")
  void withoutTagItSaysHowToGiveOne(ReleaseMojo mojo) throws Exception {
    imageJson();
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN);
    fails(mojo, "deploy:release: HEAD has no v*.*.* tag; pass -Ddeploy.release.tag=v1.2.3");
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  @UserProperty(name = "deploy.github.apiUrl", value = "ghe.shop.example/api/v3")
  void anApiUrlWithoutScheme(ReleaseMojo mojo) throws Exception {
    imageJson();
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN, "GITHUB_REPOSITORY", "shop/web");
    fails(mojo, "deploy.github.apiUrl: 'ghe.shop.example/api/v3' is not an http(s) URL; write https://api.github.com,"
        + " or https://HOST/api/v3 for GitHub Enterprise Server");
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  void aGithubApiUrlVariableThatIsNoUrlIsNamedToo(ReleaseMojo mojo) throws Exception {
    imageJson();
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN, "GITHUB_REPOSITORY", "shop/web", "GITHUB_API_URL", "not a url");
    fails(mojo, "the environment variable GITHUB_API_URL: 'not a url' is not an http(s) URL");
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  @UserProperty(name = "deploy.release.repository", value = "https://github.com/shop/web")
  @UserProperty(name = "deploy.github.apiUrl", value = "http://127.0.0.1:9")
  void aRepositoryThatIsNotOwnerSlashName(ReleaseMojo mojo) throws Exception {
    imageJson();
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN);
    fails(mojo, "deploy.release.repository: 'https://github.com/shop/web' is not owner/name (e.g. shop/web)");
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  @UserProperty(name = "deploy.release.repository", value = "shop/web")
  @UserProperty(name = "deploy.github.apiUrl", value = "http://127.0.0.1:9")
  void withoutImageJsonOrImageItSaysWhatToDo(ReleaseMojo mojo) {
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN);
    fails(mojo, "deploy:release: " + build.path("target/slipway/image.json") + " not found; run image:build or set "
        + "deploy.image=<repository>@sha256:...");
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  @UserProperty(name = "deploy.release.repository", value = "shop/web")
  @UserProperty(name = "deploy.github.tokenEnv", value = "SHOP_GH_TOKEN")
  @UserProperty(name = "deploy.github.server", value = "shop-github")
  @UserProperty(name = "deploy.github.apiUrl", value = "http://127.0.0.1:9")
  void withoutTokenItNamesWhereOneIsLookedFor(ReleaseMojo mojo) throws Exception {
    imageJson();
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN);
    fails(mojo, "deploy:release: no GitHub token: set the environment variable SHOP_GH_TOKEN or a settings.xml "
        + "server 'shop-github' (deploy.github.tokenEnv / .server)");

    Server server = new Server();
    server.setId("shop-github");
    server.setPassword(TOKEN);
    build.session().getRequest().addServer(server);
    assertThat(mojo.githubToken().value()).as("found in settings.xml").isEqualTo(TOKEN);
  }

  @Test
  @InjectMojo(goal = "release", pom = POM + END)
  @UserProperty(name = "deploy.release.tag", value = "v1.4.0")
  @UserProperty(name = "deploy.github.apiUrl", value = "http://127.0.0.1:9")
  void withoutRepositoryItSaysHowToGiveOne(ReleaseMojo mojo) throws Exception {
    imageJson();
    mojo.processEnv = Map.of("GITHUB_TOKEN", TOKEN);
    fails(mojo, "deploy:release: cannot tell the repository; set deploy.release.repository=owner/name");
  }
}
