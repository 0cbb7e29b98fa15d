package dev.slipway.image.build;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.git.GitInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives image tags from git the way the old pipeline did: the branch name (sanitised), the short commit, for a
 * semver tag {@code v1.2.3} the tags {@code 1.2.3}, {@code 1.2} and {@code 1} (a pre-release only its full version),
 * and {@code latest} on the default branch.
 */
public final class TagPolicy {
  private static final Pattern SEMVER =
      Pattern.compile("v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
  private static final Pattern VALID_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /** Which tags to derive. */
  public record Settings(boolean branch, boolean commit, boolean semver, boolean latest, String defaultBranch) {
    public static Settings defaults() {
      return new Settings(true, true, true, true, "main");
    }
  }

  private TagPolicy() {}

  /**
   * The tags for a build: {@code explicit} first (the tag of {@code image.to} and {@code image.tags}), then those
   * derived from {@code git}; duplicates dropped, order kept.
   */
  public static List<String> tags(List<String> explicit, Optional<GitInfo> git, Settings settings) {
    Set<String> out = new LinkedHashSet<>();
    for (String t : explicit) {
      if (t != null && !t.isBlank()) {
        out.add(t.strip());
      }
    }
    git.ifPresent(g -> {
      if (settings.semver()) {
        for (String tag : g.tags()) {
          out.addAll(semverTags(tag));
        }
      }
      if (settings.branch() && g.branch() != null) {
        sanitize(g.branch()).ifPresent(out::add);
      }
      if (settings.commit() && g.commit() != null) {
        out.add(g.shortCommit());
      }
      if (settings.latest() && g.branch() != null && g.branch().equals(settings.defaultBranch())) {
        out.add("latest");
      }
    });
    return new ArrayList<>(out);
  }

  /**
   * {@link #tags} for a build: without any tag the project version is the tag, and every tag must be valid.
   *
   * @throws InvalidInputException naming image.tags and the rules when a tag is not valid
   */
  public static List<String> resolve(List<String> explicit, Optional<GitInfo> git, Settings settings,
      String projectVersion) throws InvalidInputException {
    List<String> all = tags(explicit, git, settings);
    if (all.isEmpty()) {
      all = List.of(projectVersion.replaceAll("[^A-Za-z0-9_.-]", "-"));
    }
    for (String t : all) {
      if (!isValid(t)) {
        throw new InvalidInputException("image.tags: '" + t + "' is not a valid tag (letters, digits, '_', '.', "
            + "'-'; must not start with '.' or '-'; at most 128 characters)");
      }
    }
    return all;
  }

  static List<String> semverTags(String gitTag) {
    Matcher m = SEMVER.matcher(gitTag);
    if (!m.matches()) {
      return List.of();
    }
    String version = gitTag.startsWith("v") ? gitTag.substring(1) : gitTag;
    if (m.group(4) != null || m.group(5) != null) {
      return sanitize(version).map(List::of).orElse(List.of());
    }
    return List.of(version, m.group(1) + "." + m.group(2), m.group(1));
  }

  /** A branch name as a valid tag: lowercase, other characters as '-', no leading '.' or '-', at most 128. */
  static Optional<String> sanitize(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-").replaceAll("-{2,}", "-");
    s = s.replaceAll("^[.-]+", "");
    if (s.length() > 128) {
      s = s.substring(0, 128);
    }
    s = s.replaceAll("[.-]+$", "");
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  public static boolean isValid(String tag) {
    return VALID_TAG.matcher(tag).matches();
  }
}
