package dev.slipway.perf.compare;

import java.io.IOException;

/** Where the gate's Markdown report is posted as a pull-request comment (GitHub's REST API in production). */
public interface PullRequestComments {
  /**
   * Creates the comment, or updates the earlier one that contains {@code marker}, on pull request {@code number} of
   * {@code repository} ({@code owner/name}). Returns the comment's URL.
   */
  String upsert(String repository, int number, String marker, String body) throws IOException, InterruptedException;
}
