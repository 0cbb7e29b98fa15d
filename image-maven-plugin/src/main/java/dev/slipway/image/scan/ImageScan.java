package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.AtomicFiles;
import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.image.ScanSummary;
import dev.slipway.image.sbom.ImageReader;
import dev.slipway.image.sbom.ImageSource;
import dev.slipway.image.sbom.ResolvedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Scans the image image:build built with Trivy and judges the findings: every platform in image.json, one Trivy run
 * each (or the CycloneDX SBOM image:sbom wrote, in one run), merged with the platform kept on each finding; then
 * the policy (severities that fail, unfixed findings, suppressions with expiry) decides, and the reports are
 * written to the output directory: Trivy's JSON per run, SARIF 2.1.0 for code scanning ({@value #SARIF}),
 * Markdown ({@value #MARKDOWN}, also appended to GitHub's step summary) and Slipway's summary {@value #SUMMARY}.
 *
 * <p>Contract: reports are written before the verdict is acted on; a failing verdict throws
 * {@link ScanPolicyException} unless the policy is warn-only; a Trivy that cannot run, fails, times out, or scans
 * with a DB older than {@code maxDbAge} throws {@link ScanException}; the server token never reaches a log line,
 * a report or a message (everything Trivy prints passes a redactor that knows it).
 */
public final class ImageScan {
  public static final String SUMMARY = "scan.json";
  public static final String SARIF = "scan.sarif";
  public static final String MARKDOWN = "scan.md";

  /** What a scan produced: the summary (as written to scan.json), the judged findings, the files. */
  public record Outcome(ScanSummary summary, Policy.Result policy, Path summaryFile, Path sarifFile,
      Path markdownFile, List<Path> trivyReports) {}

  /** Opens the image's store (layout or registry) when the input is the image. */
  @FunctionalInterface
  public interface SourceOpener {
    ImageSource open() throws InvalidInputException, IOException;
  }

  private final Trivy trivy;
  private final SourceOpener source;
  private final Log log;
  private final Clock clock;
  private final Duration heartbeat;

  /**
   * @param source where the image's manifests and layers are (its OCI layout or registry), asked for only when the
   *     input is the image
   * @param heartbeat how often a still-running Trivy is reported
   */
  public ImageScan(Trivy trivy, SourceOpener source, Log log, Clock clock, Duration heartbeat) {
    this.trivy = trivy;
    this.source = source;
    this.log = log;
    this.clock = clock;
    this.heartbeat = heartbeat;
  }

  public Outcome run(ScanConfig config, BuiltImage image)
      throws ScanException, ScanPolicyException, InvalidInputException, IOException {
    Redactor redactor = new Redactor();
    if (config.token() != null) {
      redactor.add(config.token().reveal());
    }
    config.trivyEnv().forEach((k, v) -> {
      if (k.matches(".*(PASSWORD|TOKEN|SECRET|KEY).*")) {
        redactor.add(v);
      }
    });
    Log out = log.redacting(redactor);
    List<Suppressions.Suppression> suppressions = Suppressions.load(config.suppressions(), config.trivyIgnore());
    Policy policy = new Policy(config.failOn(), config.ignoreUnfixed(), suppressions);
    Path outDir = config.outputDirectory();
    Files.createDirectories(outDir);

    out.info("image:scan: " + image.repository() + "@" + image.digest() + " (" + image.platforms().size()
        + " platform" + (image.platforms().size() == 1 ? "" : "s") + "), input " + name(config.input()) + ", with "
        + trivy.describe() + ", cache " + config.cacheDir());
    if (!suppressions.isEmpty()) {
      out.info("image:scan: " + suppressions.size() + " suppression(s) from "
          + String.join(", ", files(config)));
    }

    trivy.preflight();
    DbMetadata db = null;
    if (config.server() != null || (config.skipDbUpdate() && config.cacheDir() != null)) {
      // no download will happen: the DB that will decide is already known, and a stale one stops us early
      db = trivy.database(probe(config));
      checkAge(db, config, out, true);
    }

    List<Finding> findings = new ArrayList<>();
    List<Path> reports = new ArrayList<>();
    Map<String, String> platformDigests = new LinkedHashMap<>();
    image.platforms().forEach(p -> platformDigests.put(p.name(), p.digest()));
    String trivyVersion = null;
    TrivyCommand last = null;
    if (config.input() == ScanConfig.Input.IMAGE) {
      ImageSource src = source.open();
      ResolvedImage resolved = new ImageReader(src).read(image.digest());
      platformDigests.clear();
      resolved.platforms().forEach(p -> platformDigests.put(p.id(), p.manifestDigest()));
      int n = 0;
      for (ResolvedImage.Platform p : resolved.platforms()) {
        n++;
        String label = p.id() + " (" + n + "/" + resolved.platforms().size() + ")";
        Path view = outDir.resolve("work").resolve(p.id().replace('/', '-'));
        PlatformLayout.write(src, p, view);
        Path report = outDir.resolve("trivy-" + p.id().replace('/', '-') + ".json");
        Files.deleteIfExists(report);
        List<String> args = new ArrayList<>(List.of("image", "--input", TrivyCommand.INPUT + "@" + p.manifestDigest()));
        args.addAll(common(config));
        last = new TrivyCommand(args, view, config.cacheDir(), report, env(config), config.timeout(), p.id());
        try {
          TrivyReport r = runTrivy(last, label, out, redactor);
          trivyVersion = r.trivyVersion() != null ? r.trivyVersion() : trivyVersion;
          findings.addAll(r.findings());
          reports.add(report);
          logCounts(out, label, r.findings(), r.os());
        } finally {
          PlatformLayout.delete(view);
        }
        if (n == 1 && db == null) {
          db = trivy.database(last);
          checkAge(db, config, out, false);
        }
      }
    } else {
      Path sbom = config.sbom();
      Path report = outDir.resolve("trivy-sbom.json");
      Files.deleteIfExists(report);
      List<String> args = new ArrayList<>(List.of("sbom", TrivyCommand.INPUT + "/" + sbom.getFileName()));
      args.addAll(common(config));
      last = new TrivyCommand(args, sbom.toAbsolutePath().getParent(), config.cacheDir(), report, env(config),
          config.timeout(), "SBOM " + sbom.getFileName());
      TrivyReport r = runTrivy(last, "SBOM " + sbom.getFileName(), out, redactor);
      trivyVersion = r.trivyVersion();
      reports.add(report);
      findings.addAll(spreadOverPlatforms(r.findings(), sbom, new ArrayList<>(platformDigests.keySet())));
      logCounts(out, "SBOM " + sbom.getFileName(), r.findings(), r.os());
      if (db == null) {
        db = trivy.database(last);
        checkAge(db, config, out, false);
      }
    }

    Instant now = clock.instant();
    Policy.Result judged = policy.apply(findings, now);
    for (Map.Entry<Suppressions.Suppression, Integer> e : judged.expired().entrySet()) {
      out.warn("image:scan: suppression of " + e.getKey().id() + " (" + e.getKey().where() + ") expired on "
          + e.getKey().expires() + " and no longer applies" + (e.getValue() > 0 ? "; it would cover " + e.getValue()
          + " finding(s)" : ""));
    }
    ScanSummary summary = summary(config, image, platformDigests, trivyVersion, db, judged, reports, now);

    Path sarif = outDir.resolve(SARIF);
    byte[] sarifBytes = Json.mapper().writeValueAsBytes(new SarifWriter().write(image.repository(), image.digest(),
        trivyVersion, judged.judged()));
    AtomicFiles.write(sarif, sarifBytes);
    String markdown = MarkdownReport.render(summary);
    Path md = outDir.resolve(MARKDOWN);
    AtomicFiles.write(md, markdown.getBytes(StandardCharsets.UTF_8));
    Path summaryFile = outDir.resolve(SUMMARY);
    summary.write(summaryFile);
    if (config.stepSummary() != null) {
      try {
        Files.writeString(config.stepSummary(), markdown + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        out.warn("image:scan: cannot append to GITHUB_STEP_SUMMARY " + config.stepSummary() + ": " + e.getMessage());
      }
    }
    out.info("image:scan: reports in " + outDir + ": " + SUMMARY + ", " + SARIF + ", " + MARKDOWN + ", "
        + String.join(", ", reports.stream().map(p -> p.getFileName().toString()).toList()));

    List<Policy.Judged> failing = judged.failing();
    if (failing.isEmpty()) {
      out.info("image:scan: PASS: nothing fails the policy (fail on " + failOnText(config) + ")");
    } else {
      String message = failureMessage(summary, config, outDir);
      if (config.warnOnly()) {
        out.warn(message + " [warn-only: the build goes on]");
      } else {
        throw new ScanPolicyException(redactor.redact(message));
      }
    }
    return new Outcome(summary, judged, summaryFile, sarif, md, reports);
  }

  /** Trivy's arguments every run shares (after the subcommand and its input). */
  static List<String> common(ScanConfig c) {
    List<String> a = new ArrayList<>(List.of("--cache-dir", TrivyCommand.CACHE, "--format", "json", "--output",
        TrivyCommand.OUTPUT, "--scanners", "vuln", "--no-progress", "--timeout", c.timeout().toSeconds() + "s"));
    if (c.server() == null) {
      // the vulnerability DB is the server's business in client mode
      c.dbRepositories().forEach(r -> a.addAll(List.of("--db-repository", r)));
      if (c.skipDbUpdate()) {
        a.add("--skip-db-update");
      }
    }
    c.javaDbRepositories().forEach(r -> a.addAll(List.of("--java-db-repository", r)));
    if (c.skipJavaDbUpdate()) {
      a.add("--skip-java-db-update");
    }
    if (c.offline()) {
      a.add("--offline-scan");
    }
    return a;
  }

  /**
   * The caller's {@code TRIVY_*} variables (a binary inherits them anyway; a container gets them this way), and
   * offline no version check.
   */
  static Map<String, String> env(ScanConfig c) {
    Map<String, String> env = new TreeMap<>(c.trivyEnv());
    if (c.offline()) {
      env.put("TRIVY_SKIP_VERSION_CHECK", "true");
    }
    return env;
  }

  private static TrivyCommand probe(ScanConfig c) {
    return new TrivyCommand(List.of(), c.outputDirectory(), c.cacheDir(), c.outputDirectory().resolve("probe"),
        Map.of(), c.timeout(), "DB");
  }

  private TrivyReport runTrivy(TrivyCommand command, String label, Log out, Redactor redactor)
      throws ScanException, IOException, InvalidInputException {
    out.info("image:scan: " + label + ": Trivy scanning");
    Deque<String> tail = new ArrayDeque<>();
    Consumer<String> lines = line -> {
      String l = tidy(line);
      if (l.isBlank()) {
        return;
      }
      synchronized (tail) {
        tail.addLast(l);
        if (tail.size() > 30) {
          tail.removeFirst();
        }
      }
      if (l.startsWith("WARN") || l.startsWith("ERROR") || l.startsWith("FATAL")) {
        out.warn("trivy: " + l);
      } else {
        out.info("trivy: " + l);
      }
    };
    long start = System.nanoTime();
    ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slipway-scan-heartbeat");
      t.setDaemon(true);
      return t;
    });
    beat.scheduleAtFixedRate(() -> out.info("image:scan: " + label + ": Trivy still running after "
        + Durations.format(Duration.ofSeconds((System.nanoTime() - start) / 1_000_000_000L))),
        heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    int exit;
    try {
      exit = trivy.run(command, lines);
    } catch (ScanException e) {
      throw new ScanException(redactor.redact(e.getMessage()), e);
    } finally {
      beat.shutdownNow();
    }
    if (exit != 0) {
      String last;
      synchronized (tail) {
        last = String.join("\n  ", tail);
      }
      throw new ScanException(redactor.redact("Trivy (" + trivy.describe() + ") failed scanning " + label
          + " with exit code " + exit + (last.isEmpty() ? "" : "; its last lines:\n  " + last)));
    }
    out.info("image:scan: " + label + ": Trivy done in "
        + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
    return TrivyReport.read(command.output(), command.label());
  }

  /** Trivy's log lines start with an RFC 3339 time and a tab: the Maven log has its own. */
  static String tidy(String line) {
    String l = line.strip();
    int tab = l.indexOf('\t');
    if (tab > 0 && l.substring(0, tab).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-]\\d\\d:?\\d\\d)")) {
      l = l.substring(tab + 1);
    }
    return l.replace('\t', ' ');
  }

  private void checkAge(DbMetadata db, ScanConfig config, Log out, boolean before) throws ScanException {
    Instant now = clock.instant();
    if (db != null) {
      out.info("image:scan: vulnerability DB built " + db.updatedAt() + " (" + MarkdownReport.age(hours(db.age(now)))
          + " old)" + (db.downloadedAt() == null ? "" : ", downloaded " + db.downloadedAt()));
    }
    if (config.maxDbAge() == null) {
      return;
    }
    if (db == null) {
      if (before) {
        return; // the first scan may still download it; judged after that scan
      }
      throw new ScanException("image:scan: the vulnerability DB's age cannot be told (" + trivy.describe()
          + " reports no DB metadata), so image.scan.maxDbAge=" + human(config.maxDbAge())
          + " cannot be checked");
    }
    if (db.age(now).compareTo(config.maxDbAge()) > 0) {
      throw new ScanException("image:scan: Trivy's vulnerability DB was built " + db.updatedAt() + ", "
          + MarkdownReport.age(hours(db.age(now))) + " ago, older than image.scan.maxDbAge="
          + human(config.maxDbAge()) + ": update the DB (drop image.scan.skipDbUpdate, or refresh the "
          + "mirror image.scan.dbRepository names" + (config.server() != null ? ", or the server's DB" : "") + ")");
    }
  }

  /** {@code 7d}, {@code 36h}, else the common short form. */
  static String human(Duration d) {
    if (d.toSeconds() % 86400 == 0) {
      return d.toDays() + "d";
    }
    if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + "h";
    }
    return Durations.format(d);
  }

  private static double hours(Duration d) {
    return Math.round(d.toMinutes() / 6.0) / 10.0;
  }

  private static void logCounts(Log out, String label, List<Finding> found, String os) {
    Map<Severity, Integer> counts = counts(found);
    out.info("image:scan: " + label + ": " + (os == null ? "" : os + ", ") + found.size() + " vulnerabilities ("
        + String.join(", ", List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.UNKNOWN)
            .stream().map(s -> s + " " + counts.get(s)).toList()) + ")");
  }

  private static Map<Severity, Integer> counts(List<Finding> found) {
    Map<Severity, Integer> c = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      c.put(s, 0);
    }
    found.forEach(f -> c.merge(f.severity(), 1, Integer::sum));
    return c;
  }

  /**
   * An SBOM scan reports each package once; image:sbom records on which platforms a package is
   * ({@code slipway:platform} properties), so each finding is put on those platforms (on all of them for
   * components without the property: the application is on every platform).
   */
  static List<Finding> spreadOverPlatforms(List<Finding> found, Path sbom, List<String> allPlatforms)
      throws InvalidInputException {
    JsonNode bom = Json.readFile(sbom, JsonNode.class, "a CycloneDX JSON SBOM");
    Map<String, List<String>> platformsByRef = new TreeMap<>();
    Map<String, List<String>> platformsByPurl = new TreeMap<>();
    for (JsonNode c : bom.path("components")) {
      List<String> ps = new ArrayList<>();
      for (JsonNode prop : c.path("properties")) {
        if (prop.path("name").asText().equals("slipway:platform")) {
          ps.add(prop.path("value").asText());
        }
      }
      if (!ps.isEmpty()) {
        platformsByRef.put(c.path("bom-ref").asText(), ps);
        platformsByPurl.put(c.path("purl").asText(), ps);
      }
    }
    List<Finding> out = new ArrayList<>();
    for (Finding f : found) {
      List<String> ps = f.bomRef() != null && platformsByRef.containsKey(f.bomRef()) ? platformsByRef.get(f.bomRef())
          : f.purl() != null && platformsByPurl.containsKey(f.purl()) ? platformsByPurl.get(f.purl()) : allPlatforms;
      for (String p : ps) {
        out.add(f.onPlatform(p));
      }
    }
    return out;
  }

  private ScanSummary summary(ScanConfig config, BuiltImage image, Map<String, String> platformDigests,
      String trivyVersion, DbMetadata db, Policy.Result judged, List<Path> reports, Instant now) {
    List<ScanSummary.Platform> platforms = new ArrayList<>();
    for (Map.Entry<String, String> p : platformDigests.entrySet()) {
      List<Policy.Judged> mine = judged.judged().stream().filter(j -> j.finding().platform().equals(p.getKey()))
          .toList();
      Map<String, Integer> counts = new LinkedHashMap<>();
      counts(mine.stream().map(Policy.Judged::finding).toList()).entrySet().stream()
          .sorted((a, b) -> b.getKey().compareTo(a.getKey()))
          .forEach(e -> counts.put(e.getKey().name(), e.getValue()));
      platforms.add(new ScanSummary.Platform(p.getKey(), p.getValue(), counts,
          count(mine, Policy.Disposition.FAILS), count(mine, Policy.Disposition.SUPPRESSED),
          count(mine, Policy.Disposition.UNFIXED_IGNORED)));
    }
    Map<String, ScanSummary.Failing> failing = new LinkedHashMap<>();
    Map<String, Set<String>> failingPlatforms = new LinkedHashMap<>();
    for (Policy.Judged j : judged.failing()) {
      Finding f = j.finding();
      String key = String.join("\u0000", f.vulnerabilityId(), nz(f.pkgName()), nz(f.installedVersion()),
          nz(f.pkgPath()));
      failing.putIfAbsent(key, new ScanSummary.Failing(f.vulnerabilityId(), f.severity().name(), f.pkgName(),
          f.installedVersion(), f.fixedVersion(), List.of()));
      failingPlatforms.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(f.platform());
    }
    List<ScanSummary.Failing> failingList = new ArrayList<>();
    failing.forEach((k, f) -> failingList.add(new ScanSummary.Failing(f.id(), f.severity(), f.pkg(),
        f.installedVersion(), f.fixedVersion(), List.copyOf(failingPlatforms.get(k)))));
    failingList.sort((a, b) -> Severity.valueOf(b.severity()).compareTo(Severity.valueOf(a.severity())));

    ScanSummary.Suppressions sup = new ScanSummary.Suppressions(
        suppressionList(judged.used()), suppressionList(judged.expired()),
        judged.unused().stream().map(s -> new ScanSummary.Suppression(s.id(), s.reason(), s.expires(), s.where(), 0))
            .toList());
    ScanSummary.Database database = db == null ? null : new ScanSummary.Database(db.updatedAt().toString(),
        db.downloadedAt() == null ? null : db.downloadedAt().toString(),
        db.nextUpdate() == null ? null : db.nextUpdate().toString(), hours(db.age(now)));
    List<String> failOn = config.failOn().stream().sorted((a, b) -> b.compareTo(a)).map(Enum::name).toList();
    return new ScanSummary(ScanSummary.SCHEMA_VERSION, image.digest(), image.repository(),
        image.repository() + "@" + image.digest(), judged.pass() ? ScanSummary.PASS : ScanSummary.FAIL,
        config.warnOnly(), now.toString(), name(config.input()),
        trivy.describe().startsWith("container") ? "container" : "binary",
        config.server() == null ? null : config.server().toString(), trivyVersion, database,
        new ScanSummary.Policy(failOn, config.ignoreUnfixed(),
            config.maxDbAge() == null ? null : config.maxDbAge().toString()),
        platforms, failingList, sup, new ScanSummary.Reports(SARIF, MARKDOWN,
            reports.stream().map(p -> p.getFileName().toString()).toList()));
  }

  private static List<ScanSummary.Suppression> suppressionList(Map<Suppressions.Suppression, Integer> m) {
    List<ScanSummary.Suppression> out = new ArrayList<>();
    m.forEach((s, n) -> out.add(new ScanSummary.Suppression(s.id(), s.reason(), s.expires(), s.where(), n)));
    return out;
  }

  private static int count(List<Policy.Judged> js, Policy.Disposition d) {
    return (int) js.stream().filter(j -> j.disposition() == d).count();
  }

  private static String failureMessage(ScanSummary s, ScanConfig config, Path outDir) {
    StringBuilder m = new StringBuilder("image:scan: ").append(s.failing().size())
        .append(" vulnerabilit").append(s.failing().size() == 1 ? "y fails" : "ies fail").append(" the policy (fail on ")
        .append(failOnText(config)).append(")");
    int shown = 0;
    for (ScanSummary.Failing f : s.failing()) {
      if (shown++ == 10) {
        m.append("\n  … and ").append(s.failing().size() - 10).append(" more");
        break;
      }
      m.append("\n  ").append(f.severity()).append(' ').append(f.id()).append(' ').append(f.pkg()).append(' ')
          .append(f.installedVersion()).append(f.fixedVersion() == null || f.fixedVersion().isEmpty() ? " (no fix)"
              : " (fixed in " + f.fixedVersion() + ")").append(" on ").append(String.join(", ", f.platforms()));
    }
    m.append("\nSee ").append(outDir.resolve(MARKDOWN)).append("; update the packages, or suppress a finding with "
        + "id, reason and expires in image.scan.suppressions");
    return m.toString();
  }

  private static String failOnText(ScanConfig c) {
    return c.failOn().isEmpty() ? "nothing"
        : String.join(", ", c.failOn().stream().sorted((a, b) -> b.compareTo(a)).map(Enum::name).toList());
  }

  private static List<String> files(ScanConfig c) {
    List<String> f = new ArrayList<>();
    if (c.suppressions() != null) {
      f.add(c.suppressions().toString());
    }
    if (c.trivyIgnore() != null) {
      f.add(c.trivyIgnore().toString());
    }
    return f;
  }

  private static String name(ScanConfig.Input input) {
    return input.name().toLowerCase(Locale.ROOT);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
