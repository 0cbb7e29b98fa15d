package dev.slipway.image.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.git.GitInfo;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TagPolicyTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void releaseOnTheDefaultBranchGetsSemverShaBranchAndLatest() {
    GitInfo git = new GitInfo(SHA, "main", List.of("v1.2.3"), null);
    assertThat(TagPolicy.tags(List.of(), Optional.of(git), TagPolicy.Settings.defaults()))
        .containsExactly("1.2.3", "1.2", "1", "main", "0123456", "latest");
  }

  @Test
  void featureBranchIsSanitisedAndGetsNoLatest() {
    GitInfo git = new GitInfo(SHA, "Feature/Login_Form#12", List.of(), null);
    assertThat(TagPolicy.tags(List.of("extra"), Optional.of(git), TagPolicy.Settings.defaults()))
        .containsExactly("extra", "feature-login_form-12", "0123456");
  }

  @Test
  void preReleaseKeepsOnlyItsFullVersionAndOtherTagsAreIgnored() {
    assertThat(TagPolicy.semverTags("v2.0.0-rc.1")).containsExactly("2.0.0-rc.1");
    assertThat(TagPolicy.semverTags("release-2024")).isEmpty();
  }

  @Test
  void withoutGitOnlyExplicitTagsRemain() {
    assertThat(TagPolicy.tags(List.of("0.1.0-SNAPSHOT"), Optional.empty(), TagPolicy.Settings.defaults()))
        .containsExactly("0.1.0-SNAPSHOT");
    assertThat(TagPolicy.sanitize("---")).isEmpty();
    assertThat(TagPolicy.isValid("0.1.0-SNAPSHOT")).isTrue();
    assertThat(TagPolicy.isValid("-bad")).isFalse();
  }

  @Test
  void resolveFallsBackToTheVersionAndRejectsInvalidTags() throws Exception {
    assertThat(TagPolicy.resolve(List.of(), Optional.empty(), TagPolicy.Settings.defaults(), "1.0+build.5"))
        .containsExactly("1.0-build.5");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TagPolicy.resolve(List.of("-bad"), Optional.empty(),
            TagPolicy.Settings.defaults(), "1.0"))
        .hasMessageContaining("image.tags: '-bad' is not a valid tag");
  }

  @Test
  void extraDirectoriesParseWithDefaultsAndTheJibConvention(@org.junit.jupiter.api.io.TempDir java.nio.file.Path base)
      throws Exception {
    var parsed = BuildConfig.ExtraDirectory.parse(List.of("src/extra", "conf:/etc/app"), java.util.Map.of(), base);
    assertThat(parsed).extracting(BuildConfig.ExtraDirectory::into).containsExactly("/", "/etc/app");
    assertThat(parsed.get(1).from()).isEqualTo(base.resolve("conf"));
    assertThat(BuildConfig.ExtraDirectory.parse(List.of(), java.util.Map.of(), base)).isEmpty();
    java.nio.file.Files.createDirectories(base.resolve("src/main/jib"));
    assertThat(BuildConfig.ExtraDirectory.parse(List.of(), java.util.Map.of(), base))
        .extracting(BuildConfig.ExtraDirectory::from).containsExactly(base.resolve("src/main/jib"));
  }
}
