package dev.slipway.deploy.release;

import dev.slipway.common.github.GitHubReleases;
import java.io.IOException;

/** Where a release goes: GitHub's REST API ({@link GitHubReleases}) in a build, a stand-in in tests. */
@FunctionalInterface
public interface ReleasePublisher {
  GitHubReleases.Result publish(GitHubReleases.Spec spec) throws IOException, InterruptedException;
}
