package dev.slipway.perf.history;

import dev.slipway.common.git.GitInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The context a performance run happened in. Runs are only comparable within one context: a different JDK, OS,
 * architecture or CPU changes the numbers more than most regressions do.
 */
public final class BuildContext {
  /** Keys a history run must match by default to serve as baseline. */
  public static final List<String> DEFAULT_KEYS = List.of("os", "arch", "cpuCount", "cpuModel", "jdk");

  private BuildContext() {}

  /**
   * Detects commit and branch (via git or the CI's variables), JDK feature version and full version, OS, architecture,
   * CPU count and model, then adds {@code labels} (which win on a clash).
   */
  public static Map<String, String> detect(Path projectDir, Map<String, String> env, Map<String, String> labels) {
    Map<String, String> ctx = new LinkedHashMap<>();
    Optional<GitInfo> git = projectDir == null ? Optional.empty() : GitInfo.read(projectDir, env);
    git.ifPresent(g -> {
      put(ctx, "commit", g.commit());
      put(ctx, "branch", g.branch());
    });
    ctx.put("jdk", String.valueOf(Runtime.version().feature()));
    ctx.put("jdkVersion", System.getProperty("java.vendor", "") + " " + Runtime.version());
    ctx.put("os", System.getProperty("os.name"));
    ctx.put("arch", System.getProperty("os.arch"));
    ctx.put("cpuCount", String.valueOf(Runtime.getRuntime().availableProcessors()));
    ctx.put("cpuModel", cpuModel(env));
    ctx.putAll(labels);
    return ctx;
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null && !v.isBlank()) {
      m.put(k, v);
    }
  }

  static String cpuModel(Map<String, String> env) {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      try {
        for (String line : Files.readAllLines(cpuinfo)) {
          // x86 says "model name", many ARM kernels only "CPU part"/"Hardware"
          if (line.startsWith("model name") || line.startsWith("Hardware") || line.startsWith("Model")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.substring(colon + 1).isBlank()) {
              return line.substring(colon + 1).strip();
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through to the environment
      }
    }
    String win = env.get("PROCESSOR_IDENTIFIER");
    return win != null && !win.isBlank() ? win.strip() : "unknown";
  }

  /** Parses {@code key=value,key=value} labels; throws naming {@code property} on a malformed pair. */
  public static Map<String, String> parseLabels(String text, String property) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null) {
      return out;
    }
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(property + ": '" + pair.strip() + "' is not of the form key=value, e.g. "
            + "runner=ubuntu-24.04,env=ci");
      }
      out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return out;
  }

  /** Parses a comma-separated list of context keys. */
  public static List<String> parseKeys(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_KEYS;
    }
    return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
