package dev.slipway.perf.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.Latency;
import dev.slipway.perf.results.ResultFormat;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * JMeter's CSV results (JTL) with a header line ({@code jmeter.save.saveservice.print_field_names=true}, the
 * default): one sample per line. Needs the columns {@code timeStamp}, {@code elapsed}, {@code label} and
 * {@code success}; uses {@code responseCode} and {@code failureMessage} to classify failures: a failed sample with a
 * 2xx/3xx code failed an assertion (a check error), another numeric code is a status error, a timeout exception a
 * timeout, a refused/unknown host a connect error, anything else other. Read with Jackson's CSV parser, so quoted
 * fields holding commas, quotes or line breaks (a multi-line failure message) are single fields.
 * Percentiles are computed from {@code elapsed} (whole milliseconds) with an HdrHistogram.
 */
public final class JMeterFormat implements ResultFormat {
  static final String SHAPE = "a JMeter CSV JTL with a header line including timeStamp,elapsed,label,success "
      + "(optionally responseCode, failureMessage)";

  @Override
  public String name() {
    return "JMeter CSV JTL";
  }

  @Override
  public String expectedShape() {
    return SHAPE;
  }

  @Override
  public boolean detects(Path file, JsonNode json, String head) {
    if (json != null) {
      return false;
    }
    String first = head.lines().findFirst().orElse("").trim();
    return first.startsWith("timeStamp") && first.contains("elapsed") && first.contains("label");
  }

  private static final class Acc {
    final Histogram h = new Histogram(1, 3_600_000L, 3);
    long status;
    long timeout;
    long connect;
    long other;
    long check;
  }

  @Override
  public List<RunResult> read(Path file, JsonNode json) throws InvalidInputException {
    Map<String, Acc> byLabel = new LinkedHashMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    CsvMapper csv = new CsvMapper();
    csv.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    try (MappingIterator<List<String>> r = csv.readerFor(List.class).with(CsvSchema.emptySchema())
        .readValues(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
      List<String> cols = r.hasNextValue() ? r.nextValue() : List.of();
      Map<String, Integer> idx = new HashMap<>();
      for (int i = 0; i < cols.size(); i++) {
        idx.put(cols.get(i).trim(), i);
      }
      for (String need : List.of("timeStamp", "elapsed", "label", "success")) {
        if (!idx.containsKey(need)) {
          throw new InvalidInputException(file + ":1: header has no '" + need + "' column (expected " + SHAPE + ")");
        }
      }
      int ts = idx.get("timeStamp");
      int el = idx.get("elapsed");
      int lb = idx.get("label");
      int ok = idx.get("success");
      Integer rc = idx.get("responseCode");
      Integer fm = idx.get("failureMessage");
      Integer rm = idx.get("responseMessage");
      int lineNo;
      while (true) {
        // the line a record starts on: where the previous one ended, plus one (a quoted field may span lines)
        lineNo = r.getCurrentLocation().getLineNr() + (r.getCurrentLocation().getColumnNr() > 1 ? 1 : 0);
        List<String> f;
        try {
          if (!r.hasNextValue()) {
            break;
          }
          f = r.nextValue();
        } catch (RuntimeException e) {
          throw new InvalidInputException(file + ":" + lineNo + ": not a CSV record (" + e.getMessage() + ")", e);
        }
        if (f.size() == 1 && f.get(0).isBlank()) {
          continue;
        }
        if (f.size() < cols.size()) {
          throw new InvalidInputException(file + ":" + lineNo + ": " + f.size() + " fields, the header has "
              + cols.size() + " (expected " + SHAPE + ")");
        }
        long stamp = parseLong(f.get(ts), file, lineNo, "timeStamp");
        long elapsed = parseLong(f.get(el), file, lineNo, "elapsed");
        first = Math.min(first, stamp);
        last = Math.max(last, stamp + elapsed);
        Acc a = byLabel.computeIfAbsent(f.get(lb), k -> new Acc());
        a.h.recordValue(Math.max(1, Math.min(3_600_000L, elapsed)));
        String success = f.get(ok).trim().toLowerCase(Locale.ROOT);
        if (!success.equals("true") && !success.equals("false")) {
          throw new InvalidInputException(file + ":" + lineNo + ": success is '" + f.get(ok)
              + "', expected true or false");
        }
        if (success.equals("false")) {
          String code = rc == null ? "" : f.get(rc).trim();
          String why = (code + " " + (fm == null ? "" : f.get(fm)) + " " + (rm == null ? "" : f.get(rm)))
              .toLowerCase(Locale.ROOT);
          if (code.matches("[23]\\d\\d")) {
            // an answer JMeter took as good until an assertion rejected it: a failed check, not a status error
            a.check++;
          } else if (code.matches("\\d{3}")) {
            a.status++;
          } else if (why.contains("timeout") || why.contains("timed out")) {
            a.timeout++;
          } else if (why.contains("connect") || why.contains("refused") || why.contains("unknownhost")
              || why.contains("noroutetohost")) {
            a.connect++;
          } else {
            a.other++;
          }
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (byLabel.isEmpty()) {
      throw new InvalidInputException(file + ": no samples after the header (expected " + SHAPE + ")");
    }
    double duration = Math.max(0.001, (last - first) / 1000.0);
    List<EndpointResult> endpoints = new ArrayList<>();
    Histogram all = new Histogram(1, 3_600_000L, 3);
    Errors allErrors = Errors.NONE;
    for (Map.Entry<String, Acc> e : byLabel.entrySet()) {
      Acc a = e.getValue();
      all.add(a.h);
      Errors errors = new Errors(a.status, a.timeout, a.connect, a.other, a.check, 0);
      allErrors = allErrors.plus(errors);
      endpoints.add(endpoint(e.getKey(), a.h, errors, duration));
    }
    return List.of(new RunResult(RunResult.SCHEMA_VERSION, "jmeter", WorkloadModel.UNKNOWN,
        Instant.ofEpochMilli(first), duration, 0, null, null, null, null, Map.of(),
        endpoint("total", all, allErrors, duration), endpoints));
  }

  private static EndpointResult endpoint(String name, Histogram h, Errors errors, double duration) {
    // Recorded in whole milliseconds (JMeter's resolution), so values below 2048 ms come back exact.
    Latency l = new Latency((double) h.getValueAtPercentile(50), (double) h.getValueAtPercentile(90),
        (double) h.getValueAtPercentile(99), (double) h.getValueAtPercentile(99.9), (double) h.getMaxValue(),
        Math.round(h.getMean() * 1000) / 1000.0);
    return new EndpointResult(name, h.getTotalCount(), errors,
        Math.round(h.getTotalCount() / duration * 100) / 100.0, l, null);
  }

  private static long parseLong(String s, Path file, int line, String column) throws InvalidInputException {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(file + ":" + line + ": " + column + " is '" + s
          + "', expected a whole number (JMeter's default CSV timestamp format is epoch milliseconds)");
    }
  }
}
