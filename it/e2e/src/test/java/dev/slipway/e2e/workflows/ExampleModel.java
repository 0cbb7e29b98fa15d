package dev.slipway.e2e.workflows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What the example's POM offers a command line: its profile ids, the properties it defines or reads (so
 * {@code -Denv=staging} activating a profile, or {@code -Dperf.port} overriding a default, is a real flag), and the
 * executions of Slipway's plugins it declares (id, explicit phase, goals).
 */
record ExampleModel(Set<String> profiles, Set<String> properties, List<Execution> executions) {
  /** An execution of a dev.slipway plugin; {@code phase} is null when the POM leaves it to the goal's default. */
  record Execution(String plugin, String id, String phase, List<String> goals) {}

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)}");

  static ExampleModel read(Path pom) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(pom.toFile());
    Set<String> profiles = new LinkedHashSet<>();
    Set<String> properties = new LinkedHashSet<>();
    for (Element profile : elements(doc.getDocumentElement(), "profile")) {
      profiles.add(text(profile, "id"));
    }
    // activation properties, <properties> of the project and its profiles, and every ${...} the POM reads
    for (Element activation : elements(doc.getDocumentElement(), "activation")) {
      for (Element p : elements(activation, "property")) {
        properties.add(text(p, "name"));
      }
    }
    for (Element props : elements(doc.getDocumentElement(), "properties")) {
      for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          properties.add(e.getTagName());
        }
      }
    }
    Matcher m = REFERENCE.matcher(Files.readString(pom));
    while (m.find()) {
      properties.add(m.group(1));
    }
    List<Execution> executions = new ArrayList<>();
    for (Element plugin : elements(doc.getDocumentElement(), "plugin")) {
      if (!"dev.slipway".equals(text(plugin, "groupId"))) {
        continue;
      }
      for (Element execution : elements(plugin, "execution")) {
        List<String> goals = new ArrayList<>();
        for (Element g : elements(execution, "goal")) {
          goals.add(g.getTextContent().strip());
        }
        String id = text(execution, "id");
        executions.add(new Execution(text(plugin, "artifactId"), id == null ? "default" : id,
            text(execution, "phase"), List.copyOf(goals)));
      }
    }
    return new ExampleModel(Set.copyOf(profiles), Set.copyOf(properties), List.copyOf(executions));
  }

  private static List<Element> elements(Element root, String tag) {
    List<Element> out = new ArrayList<>();
    NodeList list = root.getElementsByTagName(tag);
    for (int i = 0; i < list.getLength(); i++) {
      out.add((Element) list.item(i));
    }
    return out;
  }

  private static String text(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().strip();
      }
    }
    return null;
  }
}
