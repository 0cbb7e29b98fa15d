package dev.slipway.image.mojo;

import dev.slipway.common.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.codehaus.plexus.configuration.PlexusConfiguration;

/**
 * A {@code NAME=value} parameter ({@code environment}, {@code labels}) in every form a POM or a command line gives it:
 * <ul>
 *   <li>list form, one entry per element: {@code <environment><env>A=1</env><env>B=2</env></environment>};</li>
 *   <li>jib's map form, the element name is the key: {@code <environment><A>1</A><B>2</B></environment>};</li>
 *   <li>text, comma-separated, as {@code -Dimage.environment=A=1,B=2} gives it.</li>
 * </ul>
 * An element named like a list item ({@code env}, {@code label}, {@code item}, ...) is a list entry and must read
 * {@code NAME=value}; every other element is a map entry. The raw configuration is read
 * (Maven's own converters keep either the names or the duplicates, never both) and its expressions evaluated here.
 */
final class KeyValueParameter {
  /** Evaluates {@code ${...}} expressions the way Maven evaluates parameters. */
  @FunctionalInterface
  interface Evaluator {
    Object evaluate(String expression) throws Exception;
  }

  static final Set<String> ENVIRONMENT_ITEMS = Set.of("env", "environment", "variable", "var", "item", "entry",
      "value");
  static final Set<String> LABEL_ITEMS = Set.of("label", "labels", "item", "entry", "value");

  private KeyValueParameter() {}

  static Map<String, String> parse(PlexusConfiguration config, Evaluator evaluator, String parameter,
      Set<String> itemNames) throws InvalidInputException {
    Map<String, String> out = new LinkedHashMap<>();
    if (config == null) {
      return out;
    }
    if (config.getChildCount() == 0) {
      String text = evaluate(config.getValue(), evaluator, parameter);
      if (text != null) {
        for (String entry : text.split(",")) {
          if (!entry.isBlank()) {
            put(out, entry.strip(), parameter);
          }
        }
      }
      return out;
    }
    for (PlexusConfiguration child : config.getChildren()) {
      if (child.getChildCount() > 0) {
        throw new InvalidInputException(parameter + ": <" + child.getName() + "> holds elements; expected "
            + "<NAME>value</NAME> (jib's map form) or <" + itemNames.iterator().next() + ">NAME=value</...>");
      }
      String value = evaluate(child.getValue(), evaluator, parameter);
      String v = value == null ? "" : value;
      if (itemNames.contains(child.getName())) {
        put(out, v.strip(), parameter);
      } else {
        out.put(child.getName(), v.strip());
      }
    }
    return out;
  }

  private static void put(Map<String, String> out, String entry, String parameter) throws InvalidInputException {
    int eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new InvalidInputException(parameter + ": '" + entry + "' is not KEY=value");
    }
    out.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
  }

  private static String evaluate(String raw, Evaluator evaluator, String parameter) throws InvalidInputException {
    if (raw == null || !raw.contains("${")) {
      return raw;
    }
    try {
      Object v = evaluator.evaluate(raw);
      return v == null ? null : v.toString();
    } catch (Exception e) {
      throw new InvalidInputException(parameter + ": cannot evaluate '" + raw + "': " + e.getMessage());
    }
  }
}
