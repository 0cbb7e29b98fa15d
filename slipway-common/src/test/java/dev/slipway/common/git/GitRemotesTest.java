package dev.slipway.common.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GitRemotesTest {
  @ParameterizedTest
  @CsvSource({
      "https://github.com/acme/svc.git, https://github.com/acme/svc.git",
      "https://github.com/acme/svc/, https://github.com/acme/svc",
      "https://gitlab-ci-token:canary-T0KEN@gitlab.example/group/svc.git, https://gitlab.example/group/svc.git",
      "https://user@git.example:8443/scm/svc.git?token=canary#frag, https://git.example:8443/scm/svc.git",
      "http://git.internal.example/svc, http://git.internal.example/svc",
      "git@github.com:acme/svc.git, https://github.com/acme/svc.git",
      "github.com:acme/svc, https://github.com/acme/svc",
      "ssh://git@github.com/acme/svc.git, https://github.com/acme/svc.git",
      "ssh://git:canary-pw@git.example:2222/acme/svc.git, https://git.example/acme/svc.git",
      "git://git.example/acme/svc.git, https://git.example/acme/svc.git",
      "git+ssh://git@git.example/acme/svc.git, https://git.example/acme/svc.git",
      "scm:git:https://github.com/acme/svc.git, https://github.com/acme/svc.git",
      "scm:git:git@github.com:acme/svc.git, https://github.com/acme/svc.git",
  })
  void remotesBecomeTheirPublicHttpsForm(String remote, String expected) {
    assertThat(GitRemotes.publicUrl(remote)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/srv/git/svc.git", "../svc", "./svc", ".", "svc", "~/repos/svc.git",
      "file:///srv/git/svc.git", "scm:git:file:///home/dev/svc", "C:\\\\repos\\\\svc", "C:/repos/svc",
      "backup:repos/svc.git", "rsync://host/svc", " "})
  void localPathsAndUnknownFormsHaveNone(String remote) {
    assertThat(GitRemotes.publicUrl(remote)).isNull();
  }

  @Test
  void nullHasNone() {
    assertThat(GitRemotes.publicUrl(null)).isNull();
  }
}
