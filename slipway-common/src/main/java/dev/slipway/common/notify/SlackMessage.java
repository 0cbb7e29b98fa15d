package dev.slipway.common.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slack message in Block Kit: a header, sections of labelled fields, free text, and a line of links, plus the plain
 * {@code text} Slack shows in notifications and where blocks cannot be rendered. Text is escaped for Slack's mrkdwn
 * ({@code & < >}); limits Slack enforces (150 characters of header, 10 fields a section, 2000 characters a field, 3000
 * a text) are applied here so a long failure reason can never make Slack refuse the whole message.
 */
public final class SlackMessage {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final String text;
  private final List<ObjectNode> blocks = new ArrayList<>();

  public SlackMessage(String text) {
    this.text = truncate(text, 3000);
  }

  public SlackMessage header(String title) {
    ObjectNode b = F.objectNode().put("type", "header");
    b.putObject("text").put("type", "plain_text").put("text", truncate(title, 150)).put("emoji", true);
    blocks.add(b);
    return this;
  }

  /** Labelled values, two columns, ten to a section; null values are left out. */
  public SlackMessage fields(Map<String, String> fields) {
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    fields.forEach((k, v) -> {
      if (v != null && !v.isBlank()) {
        entries.add(Map.entry(k, v));
      }
    });
    for (int i = 0; i < entries.size(); i += 10) {
      ObjectNode b = F.objectNode().put("type", "section");
      ArrayNode fs = b.putArray("fields");
      for (var e : entries.subList(i, Math.min(entries.size(), i + 10))) {
        fs.addObject().put("type", "mrkdwn").put("text", truncate("*" + escape(e.getKey()) + "*\n"
            + escape(e.getValue()), 2000));
      }
      blocks.add(b);
    }
    return this;
  }

  /** A paragraph of text (escaped), e.g. why a deployment failed. */
  public SlackMessage text(String paragraph) {
    ObjectNode b = F.objectNode().put("type", "section");
    b.putObject("text").put("type", "mrkdwn").put("text", truncate(escape(paragraph), 3000));
    blocks.add(b);
    return this;
  }

  /** A line of links, label to URL; null URLs are left out. */
  public SlackMessage links(Map<String, URI> links) {
    List<String> parts = new ArrayList<>();
    links.forEach((label, url) -> {
      if (url != null) {
        parts.add("<" + url.toString().replace(">", "%3E").replace("|", "%7C") + "|" + escape(label) + ">");
      }
    });
    if (!parts.isEmpty()) {
      ObjectNode b = F.objectNode().put("type", "context");
      b.putArray("elements").addObject().put("type", "mrkdwn").put("text", String.join("  ·  ", parts));
      blocks.add(b);
    }
    return this;
  }

  public String text() {
    return text;
  }

  /** The webhook's JSON body: {@code {"text": ..., "blocks": [...]}}. */
  public ObjectNode toJson() {
    ObjectNode o = F.objectNode().put("text", text);
    ArrayNode a = o.putArray("blocks");
    blocks.forEach(a::add);
    return o;
  }

  /** An ordered map for {@link #fields} and {@link #links}. */
  public static <V> Map<String, V> ordered() {
    return new LinkedHashMap<>();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
