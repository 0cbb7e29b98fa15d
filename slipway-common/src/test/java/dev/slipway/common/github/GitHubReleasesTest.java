package dev.slipway.common.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.testkit.GitHubStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releases against a GitHub stand-in on loopback with a GitHub Enterprise base URL: created once, updated (not
 * duplicated) when published again, assets replaced by name, GitHub's generated notes first, and the token (a
 * canary) only in the Authorization header.
 */
class GitHubReleasesTest {
  private static final String TOKEN = "ghp_canaryToken0123456789abcdefDoNotPrint";
  @TempDir Path dir;
  private GitHubStandIn github;

  @BeforeEach
  void start() throws Exception {
    github = new GitHubStandIn(TOKEN);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  private GitHubReleases.Spec spec(String body, Path sbom) {
    Map<String, Path> assets = new LinkedHashMap<>();
    assets.put("app.cdx.json", sbom);
    return new GitHubReleases.Spec("shop/web", "v1.4.0", "abc123", "web v1.4.0", body, false, assets);
  }

  @Test
  void publishingTwiceUpdatesTheOneReleaseAndReplacesItsAssets() throws Exception {
    Path sbom = Files.writeString(dir.resolve("app.cdx.json"), "{\"bomFormat\":\"CycloneDX\",\"v\":1}");
    GitHubReleases releases = new GitHubReleases(new GitHubClient(github.api(), TOKEN, new Redactor()), Log.silent());
    GitHubReleases.Result first = releases.publish(spec("SBOM: {asset:app.cdx.json}", sbom));
    assertThat(first.created()).isTrue();
    assertThat(first.htmlUrl()).isEqualTo("https://github.example/shop/web/releases/tag/v1.4.0");

    Files.writeString(sbom, "{\"bomFormat\":\"CycloneDX\",\"v\":2}");
    GitHubReleases.Result second = releases.publish(spec("SBOM again: {asset:app.cdx.json}", sbom));
    assertThat(second.created()).isFalse();
    assertThat(second.id()).isEqualTo(first.id());

    assertThat(github.releases()).hasSize(1);
    JsonNode release = github.releases().get(0);
    assertThat(release.path("tag_name").asText()).isEqualTo("v1.4.0");
    assertThat(release.path("target_commitish").asText()).isEqualTo("abc123");
    assertThat(release.path("make_latest").asText()).isEqualTo("true");
    assertThat(release.path("body").asText()).startsWith("## What's Changed\n* Generated notes for v1.4.0")
        .endsWith("SBOM again: https://github.example/shop/web/releases/download/v1.4.0/app.cdx.json");
    assertThat(release.path("assets")).hasSize(1);
    assertThat(github.assetBody(release.path("assets").get(0).path("id").asLong())).contains("\"v\":2");

    var requests = github.server().requests();
    assertThat(requests).extracting(r -> r.method() + " " + r.path().replaceAll("\\d{4,}", "N")).containsExactly(
        "GET /api/v3/repos/shop/web/releases/tags/v1.4.0",
        "POST /api/v3/repos/shop/web/releases/generate-notes",
        "POST /api/v3/repos/shop/web/releases",
        "POST /api/uploads/repos/shop/web/releases/N/assets",
        "PATCH /api/v3/repos/shop/web/releases/N",
        "GET /api/v3/repos/shop/web/releases/tags/v1.4.0",
        "POST /api/v3/repos/shop/web/releases/generate-notes",
        "DELETE /api/v3/repos/shop/web/releases/assets/N",
        "POST /api/uploads/repos/shop/web/releases/N/assets",
        "PATCH /api/v3/repos/shop/web/releases/N");
    assertThat(requests).allSatisfy(r -> {
      assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
      assertThat(r.header("Accept")).isEqualTo("application/vnd.github+json");
    });
    assertThat(requests.get(3).header("Content-Type")).isEqualTo("application/json");
    assertThat(github.server().transcript()).doesNotContain(TOKEN);
  }

  @Test
  void errorsNameTheRequestAndGitHubsMessageButNeverTheToken() throws Exception {
    GitHubClient wrong = new GitHubClient(github.api(), "ghp_wrongCanaryToken987654321", new Redactor());
    assertThatThrownBy(() -> new GitHubReleases(wrong, Log.silent()).publish(spec("", dir.resolve("x"))))
        .isInstanceOf(GitHubException.class)
        .hasMessage("GitHub GET /api/v3/repos/shop/web/releases/tags/v1.4.0 answered 401: Bad credentials")
        .satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(401));
  }

  @Test
  void repositoriesAreReadFromRemoteUrls() {
    assertThat(GitHubReleases.repositoryOf("https://github.com/shop/web.git")).isEqualTo("shop/web");
    assertThat(GitHubReleases.repositoryOf("git@ghe.example:shop/web.git")).isEqualTo("shop/web");
    assertThat(GitHubReleases.repositoryOf("https://ghe.example/shop/web")).isEqualTo("shop/web");
    assertThat(GitHubClient.apiUrl(null, Map.of("GITHUB_API_URL", "https://ghe.example/api/v3")).toString())
        .isEqualTo("https://ghe.example/api/v3");
    assertThat(GitHubClient.apiUrl(null, Map.of()).toString()).isEqualTo("https://api.github.com");
  }
}
