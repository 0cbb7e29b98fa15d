package dev.slipway.perf.memory;

/** The watched JVM could not be started, reached or queried: the environment's fault, not the project's. */
public class MemoryException extends Exception {
  public MemoryException(String message) {
    super(message);
  }

  public MemoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
