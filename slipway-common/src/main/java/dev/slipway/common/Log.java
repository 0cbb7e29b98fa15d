package dev.slipway.common;

/**
 * The small logging surface that Slipway cores write to. Mojos adapt Maven's log to it; tests collect lines.
 * Implementations must not add anything secret: callers pass text through {@link Redactor} when it may hold one.
 */
public interface Log {
  void debug(String message);

  void info(String message);

  void warn(String message);

  void error(String message);

  /** A log that drops everything. */
  static Log silent() {
    return new Log() {
      @Override
      public void debug(String message) {}

      @Override
      public void info(String message) {}

      @Override
      public void warn(String message) {}

      @Override
      public void error(String message) {}
    };
  }

  /** A log that masks every secret known to {@code redactor} before passing lines on to this one. */
  default Log redacting(Redactor redactor) {
    Log inner = this;
    return new Log() {
      @Override
      public void debug(String message) {
        inner.debug(redactor.redact(message));
      }

      @Override
      public void info(String message) {
        inner.info(redactor.redact(message));
      }

      @Override
      public void warn(String message) {
        inner.warn(redactor.redact(message));
      }

      @Override
      public void error(String message) {
        inner.error(redactor.redact(message));
      }
    };
  }
}
