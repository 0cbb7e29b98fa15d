package dev.slipway.common.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * What a build knows about its source: the commit, the branch, the tags on the commit, whether the tree is dirty and
 * where the repository lives. CI checkouts are often detached, so the CI's own variables (GitHub Actions, GitLab)
 * name the branch or tag when git cannot.
 */
public record GitInfo(
    String commit, String branch, List<String> tags, boolean dirty, String remoteUrl) {

  public GitInfo {
    tags = List.copyOf(tags);
    // CI checkouts often carry a token in the remote (https://gitlab-ci-token:TOKEN@host/...); the remote URL ends up
    // in image labels and provenance, so the user-info never leaves this record
    remoteUrl = withoutUserInfo(remoteUrl);
  }

  /** {@code url} without {@code user[:password]@} after the scheme; SCP-like {@code git@host:path} is kept. */
  static String withoutUserInfo(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1");
  }

  /** The first seven characters of the commit, as {@code git rev-parse --short} prints by default. */
  public String shortCommit() {
    return commit == null ? null : commit.substring(0, Math.min(7, commit.length()));
  }

  /** Reads the repository that contains {@code dir}; empty when {@code dir} is not inside a git work tree. */
  public static Optional<GitInfo> read(Path dir, Map<String, String> env) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(dir.toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return fromEnvironment(env);
    }
    try (Repository repo = builder.setMustExist(true).build(); Git git = new Git(repo)) {
      ObjectId head = repo.resolve(Constants.HEAD);
      if (head == null) {
        return fromEnvironment(env);
      }
      String branch = repo.getFullBranch() != null && repo.getFullBranch().startsWith(Constants.R_HEADS)
          ? Repository.shortenRefName(repo.getFullBranch())
          : null;
      List<String> tags = new ArrayList<>();
      for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
        Ref peeled = repo.getRefDatabase().peel(ref);
        ObjectId target = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
        if (head.equals(target)) {
          tags.add(Repository.shortenRefName(ref.getName()));
        }
      }
      boolean dirty;
      try {
        dirty = !git.status().call().isClean();
      } catch (GitAPIException | RuntimeException e) {
        dirty = false;
      }
      String remote = repo.getConfig().getString("remote", "origin", "url");
      GitInfo fromGit = new GitInfo(head.name(), branch, tags, dirty, remote);
      return Optional.of(withEnvironment(fromGit, env));
    } catch (IOException e) {
      return fromEnvironment(env);
    }
  }

  /** Fills what a detached CI checkout lacks from the CI's variables. */
  static GitInfo withEnvironment(GitInfo info, Map<String, String> env) {
    String branch = info.branch();
    List<String> tags = new ArrayList<>(info.tags());
    String refType = env.get("GITHUB_REF_TYPE");
    String refName = env.get("GITHUB_REF_NAME");
    if (branch == null) {
      if (env.get("GITHUB_HEAD_REF") != null && !env.get("GITHUB_HEAD_REF").isBlank()) {
        branch = env.get("GITHUB_HEAD_REF");
      } else if ("branch".equals(refType) && refName != null) {
        branch = refName;
      } else if (env.get("CI_COMMIT_BRANCH") != null) {
        branch = env.get("CI_COMMIT_BRANCH");
      }
    }
    if ("tag".equals(refType) && refName != null && !tags.contains(refName)) {
      tags.add(refName);
    } else if (env.get("CI_COMMIT_TAG") != null && !tags.contains(env.get("CI_COMMIT_TAG"))) {
      tags.add(env.get("CI_COMMIT_TAG"));
    }
    String remote = info.remoteUrl();
    if (remote == null && env.get("GITHUB_REPOSITORY") != null) {
      remote = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com") + "/" + env.get("GITHUB_REPOSITORY");
    }
    return new GitInfo(info.commit(), branch, tags, info.dirty(), remote);
  }

  private static Optional<GitInfo> fromEnvironment(Map<String, String> env) {
    String sha = env.get("GITHUB_SHA") != null ? env.get("GITHUB_SHA") : env.get("CI_COMMIT_SHA");
    if (sha == null || sha.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(withEnvironment(new GitInfo(sha, null, List.of(), false, null), env));
  }
}
