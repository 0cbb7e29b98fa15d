package dev.slipway.common.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a verification file says about an image: which digest it is about and whether it passed. Read tolerantly,
 * because the files' writers evolve on their own; only these members are relied on:
 *
 * <ul>
 *   <li>{@code verified.json} ({@code image:verify}): the digest at {@code /digest} (or {@code /image/digest}); the
 *       verdict at {@code /verdict} (PASS/PASSED/VERIFIED/OK or FAIL/FAILED/...), else the boolean {@code /verified}
 *       or {@code /passed}. Without any of them the file counts as passing: image:verify writes it only after the
 *       signature verified.
 *   <li>{@code scan.json} ({@code image:scan}): the digest at {@code /image/digest} (or {@code /digest}, or the digest
 *       in {@code /image/reference}); the verdict at {@code /verdict}, {@code /policy/verdict} or {@code /result},
 *       else the boolean {@code /passed} or {@code /policy/passed}. Without one the verdict is UNKNOWN: a scan report
 *       is written whether or not the scan passed.
 * </ul>
 */
public record ImageEvidence(Path file, Kind kind, String digest, Verdict verdict, String detail) {

  /** Which file, and the goal that writes it. */
  public enum Kind {
    SIGNATURE("verified.json", "image:verify"),
    SCAN("scan.json", "image:scan");

    private final String file;
    private final String goal;

    Kind(String file, String goal) {
      this.file = file;
      this.goal = goal;
    }

    public String file() {
      return file;
    }

    public String goal() {
      return goal;
    }
  }

  public enum Verdict {
    PASS,
    FAIL,
    UNKNOWN,
    MISSING
  }

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Set<String> PASSING = Set.of("PASS", "PASSED", "VERIFIED", "OK", "SUCCESS", "CLEAN");
  private static final Set<String> FAILING = Set.of("FAIL", "FAILED", "FAILURE", "REJECTED", "UNVERIFIED", "ERROR",
      "VULNERABLE");

  /** Whether this file says that exactly {@code digest} passed. */
  public boolean vouchesFor(String digest) {
    return verdict == Verdict.PASS && digest != null && digest.equals(this.digest);
  }

  /** Why this file does not vouch for {@code digest}, in a sentence; null when it does. */
  public String problemWith(String digest) {
    if (vouchesFor(digest)) {
      return null;
    }
    return switch (verdict) {
      case MISSING -> file + ": not found (run " + kind.goal() + " on this image first)";
      case FAIL -> file + ": verdict FAIL" + (detail == null ? "" : " (" + detail + ")");
      case UNKNOWN -> file + ": says nothing about passing (no /verdict or /passed)";
      case PASS -> file + ": is about " + (this.digest == null ? "no digest" : this.digest) + ", not the deployed "
          + digest;
    };
  }

  public static ImageEvidence readVerified(Path file) throws InvalidInputException {
    return read(file, Kind.SIGNATURE);
  }

  public static ImageEvidence readScan(Path file) throws InvalidInputException {
    return read(file, Kind.SCAN);
  }

  private static ImageEvidence read(Path file, Kind kind) throws InvalidInputException {
    if (file == null || !Files.isRegularFile(file)) {
      return new ImageEvidence(file, kind, null, Verdict.MISSING, null);
    }
    JsonNode json = Json.readFile(file, JsonNode.class, "a " + kind.file() + " written by " + kind.goal());
    String digest = kind == Kind.SIGNATURE
        ? text(json, "/digest", "/image/digest")
        : text(json, "/image/digest", "/digest");
    if (digest == null) {
      String reference = text(json, "/image/reference", "/reference");
      if (reference != null) {
        Matcher m = DIGEST.matcher(reference);
        digest = m.find() ? m.group() : null;
      }
    }
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw new InvalidInputException(file + " at " + (kind == Kind.SIGNATURE ? "/digest" : "/image/digest") + ": '"
          + digest + "' is not sha256:<64 hex>");
    }
    Verdict verdict = verdict(json, kind == Kind.SIGNATURE
        ? new String[] {"/verdict"} : new String[] {"/verdict", "/policy/verdict", "/result"},
        kind == Kind.SIGNATURE ? new String[] {"/verified", "/passed"} : new String[] {"/passed", "/policy/passed"});
    if (verdict == null) {
      verdict = kind == Kind.SIGNATURE ? Verdict.PASS : Verdict.UNKNOWN;
    }
    return new ImageEvidence(file, kind, digest, verdict, detail(json, kind));
  }

  private static Verdict verdict(JsonNode json, String[] words, String[] booleans) {
    for (String p : words) {
      JsonNode v = json.at(p);
      if (v.isTextual()) {
        String w = v.asText().strip().toUpperCase(Locale.ROOT);
        if (PASSING.contains(w)) {
          return Verdict.PASS;
        }
        if (FAILING.contains(w)) {
          return Verdict.FAIL;
        }
        return Verdict.UNKNOWN;
      }
    }
    for (String p : booleans) {
      JsonNode v = json.at(p);
      if (v.isBoolean()) {
        return v.asBoolean() ? Verdict.PASS : Verdict.FAIL;
      }
    }
    return null;
  }

  private static String detail(JsonNode json, Kind kind) {
    if (kind == Kind.SIGNATURE) {
      String mode = text(json, "/mode");
      String who = text(json, "/identity", "/keyId");
      return mode == null && who == null ? null : (mode == null ? "" : mode + " ") + (who == null ? "" : who);
    }
    JsonNode summary = json.has("summary") ? json.get("summary") : json.at("/policy/summary");
    String reason = text(json, "/reason", "/policy/reason");
    return summary.isMissingNode() ? reason : summary.toString() + (reason == null ? "" : " " + reason);
  }

  private static String text(JsonNode json, String... pointers) {
    for (String p : pointers) {
      JsonNode v = json.at(p);
      if (v.isTextual() && !v.asText().isBlank()) {
        return v.asText().strip();
      }
    }
    return null;
  }
}
