package dev.slipway.image;

import dev.slipway.common.Log;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A log that keeps every line, for assertions (and canary checks); the image plugin's core tests share it. */
public final class TestLog implements Log {
  public final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public void debug(String message) {
    lines.add("[debug] " + message);
  }

  @Override
  public void info(String message) {
    lines.add("[info] " + message);
  }

  @Override
  public void warn(String message) {
    lines.add("[warn] " + message);
  }

  @Override
  public void error(String message) {
    lines.add("[error] " + message);
  }

  public String all() {
    return String.join("\n", lines);
  }
}
