package dev.slipway.common.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitInfoTest {
  @TempDir Path dir;

  @Test
  void readsCommitBranchAndTags() throws Exception {
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("feature/Login-Form").call()) {
      Files.writeString(dir.resolve("a.txt"), "a");
      git.add().addFilepattern("a.txt").call();
      RevCommit c = git.commit().setMessage("one").setAuthor("t", "t@t").setCommitter("t", "t@t").setSign(false).call();
      git.tag().setName("v1.2.3").setAnnotated(true).setMessage("rel").setTagger(new org.eclipse.jgit.lib.PersonIdent("t", "t@t")).call();
      GitInfo info = GitInfo.read(dir, Map.of()).orElseThrow();
      assertThat(info.commit()).isEqualTo(c.name());
      assertThat(info.shortCommit()).hasSize(7);
      assertThat(info.branch()).isEqualTo("feature/Login-Form");
      assertThat(info.tags()).containsExactly("v1.2.3");
    }
  }

  @Test
  void detachedCheckoutTakesBranchFromGithubActions() {
    GitInfo detached = new GitInfo("0123456789abcdef", null, java.util.List.of(), null);
    GitInfo info = GitInfo.withEnvironment(detached, Map.of(
        "GITHUB_REF_TYPE", "branch", "GITHUB_REF_NAME", "main", "GITHUB_REPOSITORY", "acme/svc"));
    assertThat(info.branch()).isEqualTo("main");
    assertThat(info.remoteUrl()).isEqualTo("https://github.com/acme/svc");
    GitInfo tagged = GitInfo.withEnvironment(detached, Map.of("GITHUB_REF_TYPE", "tag", "GITHUB_REF_NAME", "v2.0.0"));
    assertThat(tagged.tags()).containsExactly("v2.0.0");
  }

  @Test
  void outsideARepositoryWithoutCiVariablesThereIsNothing() {
    assertThat(GitInfo.read(dir, Map.of())).isEmpty();
  }

  @Test
  void remoteUrlsNeverCarryCredentials() throws Exception {
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      Files.writeString(dir.resolve("a.txt"), "a");
      git.add().addFilepattern("a.txt").call();
      git.commit().setMessage("one").setAuthor("t", "t@t").setCommitter("t", "t@t").setSign(false).call();
      var config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", "https://gitlab-ci-token:canary-TOKEN-5e1f@gitlab.example/acme/svc.git");
      config.save();
      GitInfo info = GitInfo.read(dir, Map.of()).orElseThrow();
      assertThat(info.remoteUrl()).isEqualTo("https://gitlab.example/acme/svc.git");
    }
    assertThat(new GitInfo("c", null, java.util.List.of(), "ssh://deploy:pw@host/x").remoteUrl())
        .isEqualTo("https://host/x");
  }

  @Test
  void aRemoteThatIsALocalPathIsNoRemoteUrl() throws Exception {
    Path upstream = dir.resolve("upstream.git");
    Path work = dir.resolve("work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(work.resolve("a.txt"), "a");
      git.add().addFilepattern("a.txt").call();
      git.commit().setMessage("one").setAuthor("t", "t@t").setCommitter("t", "t@t").setSign(false).call();
      var config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", upstream.toString());
      config.save();
    }
    GitInfo info = GitInfo.read(work, Map.of()).orElseThrow();
    assertThat(info.commit()).isNotNull();
    assertThat(info.remoteUrl()).isNull();
    assertThat(GitInfo.readWithJGit(work).orElseThrow().remoteUrl()).isNull();
  }

  @Test
  void theGitCommandAndJGitReadTheSameFacts() throws Exception {
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("release/2.x").call()) {
      Files.writeString(dir.resolve("a.txt"), "a");
      git.add().addFilepattern("a.txt").call();
      git.commit().setMessage("one").setAuthor("t", "t@t").setCommitter("t", "t@t").setSign(false).call();
      git.tag().setName("v2.1.0").setAnnotated(true).setMessage("rel")
          .setTagger(new org.eclipse.jgit.lib.PersonIdent("t", "t@t")).call();
      git.tag().setName("light").setAnnotated(false).call();
      var config = git.getRepository().getConfig();
      config.setString("remote", "origin", "url", "https://git.example/acme/svc.git");
      config.save();
    }
    Files.createDirectories(dir.resolve("sub/module"));
    GitInfo viaCommand = GitCommand.read(dir.resolve("sub/module")).orElseThrow();
    GitInfo viaJGit = GitInfo.readWithJGit(dir.resolve("sub/module")).orElseThrow();
    assertThat(viaCommand).isEqualTo(viaJGit);
    assertThat(viaCommand.tags()).containsExactly("light", "v2.1.0");
    assertThat(viaCommand.branch()).isEqualTo("release/2.x");
  }
}
