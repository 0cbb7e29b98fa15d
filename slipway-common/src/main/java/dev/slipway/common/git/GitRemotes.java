package dev.slipway.common.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public form of a git remote, for what leaves the build (the {@code org.opencontainers.image.source} label, SLSA
 * provenance): an {@code https://} (or {@code http://}) URL without user-info, query or fragment, with ssh and git
 * remotes in their https form (the path kept as it is). A remote that is a local path ({@code /srv/git/app.git}, {@code ../app}, {@code file://…})
 * has no public form: null, so no label or provenance ever names a directory of the build machine.
 */
public final class GitRemotes {
  /** {@code [user@]host:path}, git's scp-like syntax: a colon before the first slash, and not a drive letter. */
  private static final Pattern SCP_LIKE = Pattern.compile("^(?:[^@/]+@)?([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]):(?!//)(.+)$");
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*)://(.*)$", Pattern.DOTALL);

  private GitRemotes() {}

  /**
   * The public https form of {@code remote} (a git remote or a POM {@code <scm>} URL, {@code scm:git:} prefixes
   * allowed), or null when it has none (a local path, an unknown scheme, blank).
   */
  public static String publicUrl(String remote) {
    if (remote == null || remote.isBlank()) {
      return null;
    }
    String r = remote.strip().replaceFirst("^scm:[A-Za-z0-9]+:", "");
    Matcher scheme = SCHEME.matcher(r);
    if (scheme.matches()) {
      String s = scheme.group(1).toLowerCase(Locale.ROOT);
      return switch (s) {
        case "https", "http" -> fromUri(s, r);
        case "ssh", "git", "git+ssh", "ssh+git", "git+https" -> fromUri("https", "x://" + scheme.group(2));
        default -> null; // file://, and anything we do not know to be reachable from elsewhere
      };
    }
    if (looksLikeLocalPath(r)) {
      return null;
    }
    Matcher scp = SCP_LIKE.matcher(r);
    if (scp.matches()) {
      String host = scp.group(1);
      String path = scp.group(2).replaceFirst("^/+", "");
      if (!host.contains(".") && !host.startsWith("[") && !host.equals("localhost")) {
        // git treats "name:path" as scp-like only if it cannot be a path; a dotless, non-loopback "host" is far more
        // often an ssh alias from ~/.ssh/config, which has no public form we could know
        return null;
      }
      return "https://" + host + "/" + trimPath(path);
    }
    return null;
  }

  private static boolean looksLikeLocalPath(String r) {
    return r.startsWith("/") || r.startsWith("./") || r.startsWith("../") || r.startsWith("~")
        || r.equals(".") || r.equals("..") || r.matches("^[A-Za-z]:[\\\\/].*") || r.startsWith("\\\\")
        || !r.contains(":");
  }

  private static String fromUri(String scheme, String text) {
    try {
      URI u = new URI(text);
      String host = u.getHost();
      if (host == null || host.isBlank()) {
        return null;
      }
      // an ssh port says nothing about the https one; an https remote keeps its own
      boolean keepPort = u.getPort() > 0 && (text.startsWith("https://") || text.startsWith("http://"));
      String path = u.getRawPath() == null ? "" : trimPath(u.getRawPath().replaceFirst("^/+", ""));
      if (path.startsWith("~")) {
        path = path.substring(1);
      }
      return scheme + "://" + host + (keepPort ? ":" + u.getPort() : "") + (path.isEmpty() ? "" : "/" + path);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String trimPath(String path) {
    return path.replaceAll("/+$", "");
  }
}
