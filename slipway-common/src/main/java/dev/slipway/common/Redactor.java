package dev.slipway.common;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Masks secrets in text before it reaches a log, a report, a journal or an exception message. Holds the literal
 * secrets it was told about (passwords, tokens, webhook URLs) and also masks a few shapes that are secret wherever
 * they appear (AWS access key ids, bearer tokens, URL user-info).
 */
public final class Redactor {
  public static final String MASK = "****";

  private static final List<Pattern> SHAPES =
      List.of(
          Pattern.compile("\\b(AKIA|ASIA)[A-Z0-9]{16}\\b"),
          Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}"),
          Pattern.compile("(?i)(authorization:\\s*basic\\s+)[A-Za-z0-9+/=]{4,}"),
          Pattern.compile("(?<=://)[^/@\\s:]+:[^/@\\s]+(?=@)"));

  private final List<String> secrets = new CopyOnWriteArrayList<>();

  /** Remembers {@code secret} so that every later {@link #redact} masks it. Short or blank values are ignored. */
  public Redactor add(String secret) {
    if (secret != null && secret.strip().length() >= 4 && !secrets.contains(secret)) {
      secrets.add(secret);
      // longest first, so a secret that contains another is masked whole
      secrets.sort(Comparator.comparingInt(String::length).reversed());
    }
    return this;
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, MASK);
    }
    for (Pattern shape : SHAPES) {
      out =
          shape
              .matcher(out)
              .replaceAll(m -> m.groupCount() >= 1 ? m.group(1) + MASK : MASK);
    }
    return out;
  }
}
