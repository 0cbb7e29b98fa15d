package dev.slipway.deploy.pipeline;

/** Asks the person at the terminal; returns null when nobody can answer (no console). */
@FunctionalInterface
public interface Prompter {
  String ask(String question);

  /** The terminal, if the build has one. */
  static Prompter console() {
    return question -> {
      java.io.Console c = System.console();
      return c == null ? null : c.readLine("%s", question);
    };
  }

  static Prompter none() {
    return question -> null;
  }
}
