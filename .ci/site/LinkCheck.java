import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks every internal link of a staged site: each relative {@code href}/{@code src} in every HTML file must name a
 * file inside the site, and a {@code #fragment} must name an {@code id} (or {@code name}) in the page it points to.
 * Further arguments name files that must exist (relative to the site), e.g. each plugin's goal reference.
 *
 * <p>Run with the JDK alone, no build: {@code java .ci/site/LinkCheck.java target/staging [required-file…]}. Exit
 * status 1 lists every broken link as {@code page: href (why)}.
 */
public class LinkCheck {
  private static final Pattern LINK = Pattern.compile("\\s(?:href|src)\\s*=\\s*([\"'])(.*?)\\1",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ANCHOR = Pattern.compile("\\s(?:id|name)\\s*=\\s*([\"'])(.*?)\\1",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: java LinkCheck.java SITE_DIR [REQUIRED_FILE...]");
      System.exit(2);
    }
    Path site = Path.of(args[0]).toAbsolutePath().normalize();
    List<String> problems = check(site, List.of(args).subList(1, args.length));
    problems.forEach(System.out::println);
    System.out.println("link check: " + (problems.isEmpty() ? "no broken internal link" : problems.size()
        + " problem(s)") + " in " + site);
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  static List<String> check(Path site, List<String> required) throws IOException {
    if (!Files.isDirectory(site)) {
      return List.of(site + ": not a directory (was the site staged?)");
    }
    List<Path> pages;
    try (Stream<Path> files = Files.walk(site)) {
      pages = files.filter(f -> f.toString().endsWith(".html")).sorted().toList();
    }
    List<String> problems = new ArrayList<>();
    if (pages.isEmpty()) {
      problems.add(site + ": no HTML page");
    }
    for (String r : required) {
      if (!Files.isRegularFile(site.resolve(r))) {
        problems.add(r + ": required page missing");
      }
    }
    Map<Path, Set<String>> anchors = new HashMap<>();
    int links = 0;
    for (Path page : pages) {
      String html = Files.readString(page, StandardCharsets.UTF_8);
      Matcher m = LINK.matcher(html);
      while (m.find()) {
        String href = m.group(2).replace("&amp;", "&").strip();
        if (href.isEmpty() || href.startsWith("//") || SCHEME.matcher(href).find()) {
          continue;  // external (http:, https:, mailto:, javascript:, data:): not ours to check offline
        }
        links++;
        String problem = checkLink(site, page, href, anchors);
        if (problem != null) {
          problems.add(site.relativize(page) + ": " + href + " (" + problem + ")");
        }
      }
    }
    System.out.println("link check: " + pages.size() + " pages, " + links + " internal links");
    return problems;
  }

  private static String checkLink(Path site, Path page, String href, Map<Path, Set<String>> anchors)
      throws IOException {
    int hash = href.indexOf('#');
    String path = hash < 0 ? href : href.substring(0, hash);
    String fragment = hash < 0 ? null : href.substring(hash + 1);
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    Path target = path.isEmpty() ? page
        : page.getParent().resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
    if (!target.startsWith(site)) {
      return "leaves the site";
    }
    if (Files.isDirectory(target)) {
      target = target.resolve("index.html");
    }
    if (!Files.isRegularFile(target)) {
      return "no such file";
    }
    if (fragment == null || fragment.isEmpty() || !target.toString().endsWith(".html")) {
      return null;
    }
    Set<String> ids = anchors.computeIfAbsent(target, LinkCheck::anchorsOf);
    String id = URLDecoder.decode(fragment, StandardCharsets.UTF_8);
    return ids.contains(id) || ids.contains(fragment) ? null : "no anchor '" + fragment + "' in "
        + site.relativize(target);
  }

  private static Set<String> anchorsOf(Path page) {
    Set<String> ids = new HashSet<>();
    try {
      Matcher m = ANCHOR.matcher(Files.readString(page, StandardCharsets.UTF_8));
      while (m.find()) {
        ids.add(m.group(2).replace("&amp;", "&"));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ids;
  }
}
