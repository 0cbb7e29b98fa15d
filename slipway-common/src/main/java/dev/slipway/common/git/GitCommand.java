package dev.slipway.common.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Reads {@link GitInfo} facts with the {@code git} command. */
final class GitCommand {
  private static volatile Boolean available;

  private GitCommand() {}

  /** Whether a {@code git} command runs on this machine. */
  static boolean available() {
    if (available == null) {
      available = run(Path.of("."), "--version").isPresent();
    }
    return available;
  }

  /** The repository's facts, or empty when git is missing, {@code dir} is no work tree or HEAD has no commit. */
  static Optional<GitInfo> read(Path dir) {
    Optional<String> head = run(dir, "rev-parse", "--verify", "-q", "HEAD");
    if (head.isEmpty() || head.get().isBlank()) {
      return Optional.empty();
    }
    String branch = run(dir, "symbolic-ref", "-q", "--short", "HEAD").filter(b -> !b.isBlank()).orElse(null);
    List<String> tags = new ArrayList<>();
    run(dir, "tag", "--points-at", "HEAD").ifPresent(out -> Arrays.stream(out.split("\n"))
        .map(String::strip).filter(t -> !t.isEmpty()).forEach(tags::add));
    tags.sort(null);
    String remote = run(dir, "config", "--get", "remote.origin.url").filter(r -> !r.isBlank()).orElse(null);
    return Optional.of(new GitInfo(head.get(), branch, tags, remote));
  }

  /** Standard output of {@code git -C dir args}, stripped; empty when git is missing or exits non-zero. */
  private static Optional<String> run(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8).strip()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
