package dev.slipway.deploy.pipeline;

import java.nio.file.Path;

/**
 * The deployment did not succeed for a reason that lies with what was deployed or its configuration (a failing health
 * check, tasks that crash, a refused confirmation). The message says what failed and whether the service was rolled
 * back; {@link #journal()} is the file that records it.
 */
public class DeployFailedException extends Exception {
  private final Path journal;
  private final boolean rolledBack;

  public DeployFailedException(String message, Path journal, boolean rolledBack) {
    super(message);
    this.journal = journal;
    this.rolledBack = rolledBack;
  }

  public Path journal() {
    return journal;
  }

  public boolean rolledBack() {
    return rolledBack;
  }
}
