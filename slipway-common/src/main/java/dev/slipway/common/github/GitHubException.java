package dev.slipway.common.github;

import java.io.IOException;

/** A GitHub request that failed: the HTTP status (0 when no answer came) and a message without the token. */
public final class GitHubException extends IOException {
  private final int status;

  public GitHubException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
