package dev.slipway.e2e.workflows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ./mvnw}/{@code mvn} command of a workflow's {@code run:} step, split the way a POSIX shell splits it
 * (quotes, backslash-newline continuations), with its GitHub expressions ({@code ${{ github.repository }}}) replaced
 * by a resolver: the Maven options, the {@code -D} properties, the {@code -P} profiles and the phases and goals.
 */
record MavenLine(String workflow, String job, String step, String text, List<String> args,
    Map<String, String> properties, List<String> profiles, List<String> tasks, List<String> otherOptions) {

  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
  /** Maven options a CI line may use that take no argument and change nothing about what runs. */
  static final List<String> PLAIN_OPTIONS = List.of("-B", "--batch-mode", "-ntp", "--no-transfer-progress", "-e",
      "--errors", "-V", "--show-version", "-U", "--update-snapshots", "-q", "--quiet");

  /** The Maven commands in a step's {@code run:} text; a line that mentions Maven otherwise is refused. */
  static List<MavenLine> parse(String workflow, String job, String step, String run, UnaryOperator<String> resolver) {
    List<MavenLine> lines = new ArrayList<>();
    for (String command : run.replace("\\\n", " ").split("\n")) {
      String trimmed = command.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      boolean maven = trimmed.startsWith("./mvnw ") || trimmed.startsWith("mvn ");
      if (!maven) {
        if (trimmed.matches(".*\\bmvnw?\\b.*")) {
          throw new IllegalArgumentException(workflow + " job " + job + " step '" + step + "': a Maven command must "
              + "start its line (no cd, &&, pipes or variables around it), so the tests can run it: " + trimmed);
        }
        continue;
      }
      lines.add(of(workflow, job, step, trimmed, resolver));
    }
    return lines;
  }

  static MavenLine of(String workflow, String job, String step, String command, UnaryOperator<String> resolver) {
    List<String> words = split(substitute(command, resolver));
    List<String> args = words.subList(1, words.size());
    Map<String, String> properties = new LinkedHashMap<>();
    List<String> profiles = new ArrayList<>();
    List<String> tasks = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("-D")) {
        String p = a.substring(2);
        int eq = p.indexOf('=');
        properties.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "true" : p.substring(eq + 1));
      } else if (a.startsWith("-P")) {
        for (String id : a.substring(2).split(",")) {
          profiles.add(id.strip());
        }
      } else if (a.startsWith("-")) {
        if (!PLAIN_OPTIONS.contains(a)) {
          other.add(a);
        }
      } else {
        tasks.add(a);
      }
    }
    return new MavenLine(workflow, job, step, command, List.copyOf(args), properties, profiles, tasks, other);
  }

  /** Where the line is, for messages. */
  String where() {
    return workflow + " › " + job + " › " + step + ": " + text;
  }

  /** The text with every {@code ${{ expression }}} replaced by the resolver's value (null: refused). */
  static String substitute(String text, UnaryOperator<String> resolver) {
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = resolver.apply(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("no local value for the expression ${{ " + m.group(1) + " }} in: " + text);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** POSIX-shell word splitting for what CI lines use: blanks, single and double quotes, backslash escapes. */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
          word.append(line.charAt(++i));
        } else if (c == '$' || c == '`') {
          throw new IllegalArgumentException("shell expansion in a Maven line is not supported: " + line);
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        word.append(line.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if ("$`|&;<>(){}*?".indexOf(c) >= 0 && !(c == '{' || c == '}')) {
        throw new IllegalArgumentException("shell syntax '" + c + "' in a Maven line is not supported: " + line);
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed quote in: " + line);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
