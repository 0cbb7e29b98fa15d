package dev.slipway.deploy.pipeline;

import dev.slipway.common.image.BuiltImage;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The build that made the image being deployed: its commit, branch and tags, the repository, the CI run and who ran
 * it, and what image:build recorded in image.json. The journal and the step summary tie the deployment to it, so one
 * record leads from the commit to the digest to the running revision.
 *
 * @param image what image.json says, or null when the image came from {@code deploy.image}
 */
public record BuildInfo(String project, String commit, String branch, List<String> tags, String repositoryUrl,
    String ciRunUrl, String actor, BuiltImage image) {

  /** Tags a release is made for: {@code v1.2.3}, also {@code v1.2.3-rc.1} (a pre-release). */
  public static final Pattern RELEASE_TAG = Pattern.compile("v\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?");

  public BuildInfo {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  public static BuildInfo none() {
    return new BuildInfo(null, null, null, List.of(), null, null, null, null);
  }

  /** The release tag on the commit, if any. */
  public String releaseTag() {
    return tags.stream().filter(t -> RELEASE_TAG.matcher(t).matches()).findFirst().orElse(null);
  }

  /** The CI run's page: GitHub Actions ({@code GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/ID}) or GitLab. */
  public static String ciRunUrl(Map<String, String> env) {
    String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
    if (env.get("GITHUB_REPOSITORY") != null && env.get("GITHUB_RUN_ID") != null) {
      String attempt = env.get("GITHUB_RUN_ATTEMPT");
      return server + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/" + env.get("GITHUB_RUN_ID")
          + (attempt == null || "1".equals(attempt) ? "" : "/attempts/" + attempt);
    }
    return env.get("CI_JOB_URL");
  }

  /**
   * Who runs this: the CI's actor when there is one (GITHUB_ACTOR, GITLAB_USER_LOGIN, BUILD_USER_ID), and the
   * operating-system user, e.g. {@code alice (GITHUB_ACTOR) as runner}.
   */
  public static String actor(Map<String, String> env, String userName) {
    for (String var : List.of("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_USER_ID", "BUILDKITE_BUILD_CREATOR")) {
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        return v.strip() + " (" + var + ")" + (userName == null ? "" : " as " + userName);
      }
    }
    return userName == null ? "unknown" : userName;
  }
}
