package dev.slipway.image.scan;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The one way Slipway runs Trivy, whichever engine does it: a {@code trivy} executable ({@link BinaryTrivy}) or the
 * Trivy image in a container ({@link ContainerTrivy}), either of them possibly as a client of a Trivy server
 * ({@link ServerTrivy}). Implementations run one {@link TrivyCommand} to its end, hand every line Trivy prints to
 * the consumer as it comes, and report Trivy's exit code; they never interpret Trivy's output.
 */
public interface Trivy {
  /** Checks, before any scan, what can be checked up front (a server answering); throws with what to fix. */
  default void preflight() throws ScanException {}

  /** Runs {@code command} and waits for it (at most {@code command.timeout()}); returns Trivy's exit code. */
  int run(TrivyCommand command, Consumer<String> lines) throws IOException, ScanException;

  /**
   * The vulnerability DB Trivy scanned with, when the engine can tell (the cache's {@code db/metadata.json}, or the
   * server's {@code /version}); null when it cannot.
   */
  DbMetadata database(TrivyCommand lastCommand) throws IOException;

  /** Which Trivy this is, for log lines: {@code container aquasec/trivy:0.74.0}, {@code binary /usr/bin/trivy}. */
  String describe();
}
