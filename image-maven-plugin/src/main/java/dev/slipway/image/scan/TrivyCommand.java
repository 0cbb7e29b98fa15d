package dev.slipway.image.scan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One Trivy invocation, independent of where Trivy runs: the arguments, in which the placeholders
 * {@value #INPUT}, {@value #CACHE} and {@value #OUTPUT} stand for the input directory, the cache directory and the
 * report file as the engine makes them visible to Trivy (the host paths for a binary, mount points in a
 * container), and the environment Trivy gets. Secrets (the server token) travel in {@link #env} only, never in
 * arguments: arguments show in process lists and container inspections and are logged.
 *
 * @param input a directory Trivy reads (mounted read-only in a container)
 * @param output the report file Trivy writes; its directory is writable
 * @param label what is being scanned, for log lines ({@code linux/amd64})
 */
public record TrivyCommand(List<String> args, Path input, Path cacheDir, Path output, Map<String, String> env,
    Duration timeout, String label) {
  public static final String INPUT = "{input}";
  public static final String CACHE = "{cache}";
  public static final String OUTPUT = "{output}";

  public TrivyCommand {
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }

  /** The arguments with the placeholders replaced by {@code input}, {@code cache} and {@code output}. */
  public List<String> render(String inputPath, String cachePath, String outputPath) {
    return args.stream()
        .map(a -> a.replace(INPUT, inputPath).replace(CACHE, cachePath).replace(OUTPUT, outputPath))
        .toList();
  }

  /** A copy with more arguments and environment (a server client's). */
  public TrivyCommand with(List<String> moreArgs, Map<String, String> moreEnv) {
    List<String> a = new java.util.ArrayList<>(args);
    a.addAll(moreArgs);
    Map<String, String> e = new java.util.HashMap<>(env);
    e.putAll(moreEnv);
    return new TrivyCommand(a, input, cacheDir, output, e, timeout, label);
  }

  /** The environment by variable names only: it may hold the server token. */
  @Override
  public String toString() {
    return "TrivyCommand[args=" + args + ", input=" + input + ", cacheDir=" + cacheDir + ", output=" + output
        + ", env=" + env.keySet() + ", timeout=" + timeout + ", label=" + label + "]";
  }
}
