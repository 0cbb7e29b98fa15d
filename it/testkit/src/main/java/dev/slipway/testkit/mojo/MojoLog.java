package dev.slipway.testkit.mojo;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.Log;

/**
 * The log a {@link MojoGoalTest} hands its Mojos: keeps every line ({@code [INFO] text}) for the test to read,
 * e.g. that a skipped goal says why. Inject it with {@code @Inject MojoLog log}.
 */
public final class MojoLog implements Log {
  private final List<String> lines = new ArrayList<>();

  MojoLog() {}

  synchronized void clear() {
    lines.clear();
  }

  /** The lines logged so far, each as {@code [LEVEL] text}. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** All lines, one per line. */
  public String text() {
    return String.join("\n", lines());
  }

  private synchronized void add(String level, CharSequence content, Throwable error) {
    StringBuilder line = new StringBuilder("[").append(level).append("] ");
    if (content != null) {
      line.append(content);
    }
    if (error != null) {
      line.append(content == null ? "" : " ").append(error);
    }
    lines.add(line.toString());
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public void debug(CharSequence content) {
    add("DEBUG", content, null);
  }

  @Override
  public void debug(CharSequence content, Throwable error) {
    add("DEBUG", content, error);
  }

  @Override
  public void debug(Throwable error) {
    add("DEBUG", null, error);
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public void info(CharSequence content) {
    add("INFO", content, null);
  }

  @Override
  public void info(CharSequence content, Throwable error) {
    add("INFO", content, error);
  }

  @Override
  public void info(Throwable error) {
    add("INFO", null, error);
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public void warn(CharSequence content) {
    add("WARNING", content, null);
  }

  @Override
  public void warn(CharSequence content, Throwable error) {
    add("WARNING", content, error);
  }

  @Override
  public void warn(Throwable error) {
    add("WARNING", null, error);
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  public void error(CharSequence content) {
    add("ERROR", content, null);
  }

  @Override
  public void error(CharSequence content, Throwable error) {
    add("ERROR", content, error);
  }

  @Override
  public void error(Throwable error) {
    add("ERROR", null, error);
  }
}
