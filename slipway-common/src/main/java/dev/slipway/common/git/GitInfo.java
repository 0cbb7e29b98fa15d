package dev.slipway.common.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * What a build knows about its source: the commit, the branch, the tags on the commit and where the repository
 * lives. (Whether the tree is dirty is left out on purpose: finding out walks the whole work tree, and no goal needs
 * it.) CI checkouts are often detached, so the CI's own variables (GitHub Actions, GitLab)
 * name the branch or tag when git cannot. {@code remoteUrl} is the public https form of the origin remote
 * ({@link GitRemotes#publicUrl}), or null when the remote is a local path or unknown.
 */
public record GitInfo(
    String commit, String branch, List<String> tags, String remoteUrl) {

  public GitInfo {
    tags = List.copyOf(tags);
    // the remote ends up in image labels and provenance: only its public https form (no CI token in the user-info,
    // no local path of the build machine) ever leaves this record
    remoteUrl = GitRemotes.publicUrl(remoteUrl);
  }

  /** The first seven characters of the commit, as {@code git rev-parse --short} prints by default. */
  public String shortCommit() {
    return commit == null ? null : commit.substring(0, Math.min(7, commit.length()));
  }

  /**
   * Reads the repository that contains {@code dir}; empty when {@code dir} is not inside a git work tree (and no CI
   * variable names a commit). The git command is asked first: JGit would start it twice anyway to find the system
   * configuration, and four short git calls take a fraction of JGit's start-up (about 200 ms per build). Without git
   * on the PATH, JGit reads the repository.
   */
  public static Optional<GitInfo> read(Path dir, Map<String, String> env) {
    Path absolute = dir.toAbsolutePath();
    if (!insideWorkTree(absolute)) {
      return fromEnvironment(env);
    }
    Optional<GitInfo> info = GitCommand.read(absolute);
    if (info.isEmpty() && !GitCommand.available()) {
      info = readWithJGit(absolute);
    }
    return info.isPresent() ? Optional.of(withEnvironment(info.get(), env)) : fromEnvironment(env);
  }

  /** Whether {@code dir} or a parent holds {@code .git} (a directory, or a file for worktrees and submodules). */
  static boolean insideWorkTree(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (java.nio.file.Files.exists(p.resolve(".git"))) {
        return true;
      }
    }
    return false;
  }

  /** The same facts read with JGit, for machines without the git command. */
  static Optional<GitInfo> readWithJGit(Path dir) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(dir.toFile());
    if (builder.getGitDir() == null) {
      return Optional.empty();
    }
    try (Repository repo = builder.setMustExist(true).build()) {
      ObjectId head = repo.resolve(Constants.HEAD);
      if (head == null) {
        return Optional.empty();
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
      tags.sort(null);
      String remote = repo.getConfig().getString("remote", "origin", "url");
      return Optional.of(new GitInfo(head.name(), branch, tags, remote));
    } catch (IOException e) {
      return Optional.empty();
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
    return new GitInfo(info.commit(), branch, tags, remote);
  }

  private static Optional<GitInfo> fromEnvironment(Map<String, String> env) {
    String sha = env.get("GITHUB_SHA") != null ? env.get("GITHUB_SHA") : env.get("CI_COMMIT_SHA");
    if (sha == null || sha.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(withEnvironment(new GitInfo(sha, null, List.of(), null), env));
  }
}
