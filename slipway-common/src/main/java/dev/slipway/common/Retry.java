package dev.slipway.common;

import java.time.Duration;
import java.util.function.Predicate;

/** Retries an action with exponential backoff when the failure is one the caller calls transient. */
public final class Retry {
  /** An action that may throw. */
  @FunctionalInterface
  public interface Action<T, E extends Exception> {
    T run() throws E;
  }

  /** Sleeps between attempts; tests replace it to run on a virtual clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final int attempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;

  public Retry(int attempts, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
    }
    this.attempts = attempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.sleeper = sleeper;
  }

  public static Retry of(int attempts, Duration initialBackoff) {
    return new Retry(attempts, initialBackoff, Duration.ofSeconds(30), d -> Thread.sleep(d.toMillis()));
  }

  public int attempts() {
    return attempts;
  }

  /**
   * Runs {@code action} until it succeeds, fails with an exception {@code transientFailure} rejects, or the attempts
   * are used up; the last failure is thrown. Each retry is logged with what failed.
   */
  public <T, E extends Exception> T call(
      String what, Action<T, E> action, Predicate<Exception> transientFailure, Log log)
      throws E, InterruptedException {
    Duration backoff = initialBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return action.run();
      } catch (Exception e) {
        if (attempt >= attempts || !transientFailure.test(e)) {
          Retry.<RuntimeException>sneakyThrow(e);
        }
        log.warn(
            what + " failed (attempt " + attempt + " of " + attempts + "): " + e.getMessage()
                + "; retrying in " + backoff.toMillis() + " ms");
        sleeper.sleep(backoff);
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(maxBackoff) > 0) {
          backoff = maxBackoff;
        }
      }
    }
  }

  // Rethrows e unchanged: the caller's signature already declares E, the checked type action.run() throws.
  @SuppressWarnings("unchecked")
  private static <X extends Throwable> void sneakyThrow(Throwable e) throws X {
    throw (X) e;
  }
}
