package dev.slipway.e2e.workflows;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Slipway's goals as Maven sees them: the {@code META-INF/maven/plugin.xml} descriptors of the plugins on the test
 * class path (the freshly built image, perf and deploy plugins), read into prefix → goal → its default phase and the
 * user properties its parameters take ({@code ${image.scan.failOn}} in a mojo's {@code <configuration>}).
 */
final class PluginDescriptors {
  /**
   * One goal: its plugin's artifactId, default phase (null when bound to none), parameter properties, and the
   * parameters' default values by parameter name.
   */
  record Goal(String plugin, String prefix, String name, String defaultPhase, Set<String> properties,
      Map<String, String> defaults) {
    String qualified() {
      return prefix + ":" + name;
    }
  }

  private static final Pattern EXPRESSION = Pattern.compile("^\\$\\{([^}]+)}$");
  private final Map<String, Map<String, Goal>> byPrefix = new LinkedHashMap<>();
  private final Map<String, String> prefixByArtifact = new LinkedHashMap<>();

  private PluginDescriptors() {}

  /** Every dev.slipway plugin descriptor on the class path; fails when one of the three plugins is missing. */
  static PluginDescriptors load() throws Exception {
    PluginDescriptors d = new PluginDescriptors();
    for (URL url : Collections.list(PluginDescriptors.class.getClassLoader()
        .getResources("META-INF/maven/plugin.xml"))) {
      try (InputStream in = url.openStream()) {
        d.read(in);
      }
    }
    for (String prefix : Set.of("image", "perf", "deploy")) {
      if (!d.byPrefix.containsKey(prefix)) {
        throw new IllegalStateException("no plugin descriptor with goal prefix '" + prefix + "' on the class path "
            + "(build the plugins first: ./mvnw -pl it/e2e -am)");
      }
    }
    return d;
  }

  private void read(InputStream in) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(in);
    Element plugin = doc.getDocumentElement();
    if (!"dev.slipway".equals(text(plugin, "groupId"))) {
      return;
    }
    String artifactId = text(plugin, "artifactId");
    String prefix = text(plugin, "goalPrefix");
    prefixByArtifact.put(artifactId, prefix);
    Map<String, Goal> goals = byPrefix.computeIfAbsent(prefix, p -> new LinkedHashMap<>());
    NodeList mojos = plugin.getElementsByTagName("mojo");
    for (int i = 0; i < mojos.getLength(); i++) {
      Element mojo = (Element) mojos.item(i);
      Set<String> properties = new LinkedHashSet<>();
      Map<String, String> defaults = new LinkedHashMap<>();
      Element configuration = child(mojo, "configuration");
      if (configuration != null) {
        for (Node n = configuration.getFirstChild(); n != null; n = n.getNextSibling()) {
          if (n instanceof Element e) {
            if (e.hasAttribute("default-value")) {
              defaults.put(e.getTagName(), e.getAttribute("default-value"));
            }
            Matcher m = EXPRESSION.matcher(e.getTextContent().strip());
            if (m.matches() && !m.group(1).startsWith("project.") && !m.group(1).startsWith("session.")
                && !m.group(1).startsWith("settings.") && !m.group(1).startsWith("mojoExecution")
                && !m.group(1).startsWith("plugin.")) {
              properties.add(m.group(1));
            }
          }
        }
      }
      String goal = text(mojo, "goal");
      goals.put(goal, new Goal(artifactId, prefix, goal, text(mojo, "phase"), Set.copyOf(properties),
          Map.copyOf(defaults)));
    }
  }

  /** The goal a command-line token names ({@code image:scan}, {@code perf:memory@memory}, or by coordinates). */
  Goal goal(String token) {
    String withoutExecution = token.contains("@") ? token.substring(0, token.indexOf('@')) : token;
    String[] parts = withoutExecution.split(":");
    String prefix;
    String name;
    if (parts.length == 2) {
      prefix = parts[0];
      name = parts[1];
    } else if (parts.length >= 3 && "dev.slipway".equals(parts[0])) {
      prefix = prefixByArtifact.get(parts[1]);
      name = parts[parts.length - 1];
    } else {
      return null;
    }
    Map<String, Goal> goals = prefix == null ? null : byPrefix.get(prefix);
    return goals == null ? null : goals.get(name);
  }

  Goal goal(String artifactId, String name) {
    String prefix = prefixByArtifact.get(artifactId);
    return prefix == null ? null : byPrefix.get(prefix).get(name);
  }

  boolean isSlipwayPrefix(String prefix) {
    return byPrefix.containsKey(prefix);
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().strip();
  }
}
