package dev.slipway.deploy.journal;

import dev.slipway.common.AtomicFiles;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a deployment's {@link JournalRecord} after every step, atomically, to its own file and to {@code last.json}
 * beside it, passing the whole text through the {@link Redactor} first so no secret is ever on disk.
 *
 * <p>A write that fails never throws: a full disk must not stop a deployment half-way, skip its checks or its
 * rollback. The record stays complete in memory, every later step tries to write it again, and
 * {@link #writeFailure()} says what went wrong so the deployment can report it.
 */
public final class Journal {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path file;
  private final Path last;
  private final Redactor redactor;
  private final JournalRecord record;
  private volatile String writeFailure;

  public Journal(Path root, String environment, Instant startedAt, Redactor redactor, JournalRecord record) {
    this(root, environment, startedAt, "", redactor, record, true);
  }

  /**
   * A journal named {@code <timestamp><suffix>.json}; with {@code updateLast} false, {@code last.json} is left alone
   * (a rollback's journal must not become the snapshot the next rollback returns to).
   */
  public Journal(Path root, String environment, Instant startedAt, String suffix, Redactor redactor,
      JournalRecord record, boolean updateLast) {
    Path dir = root.resolve(environment);
    this.file = dir.resolve(STAMP.format(startedAt) + suffix + ".json");
    this.last = updateLast ? dir.resolve("last.json") : null;
    this.redactor = redactor;
    this.record = record;
  }

  public JournalRecord record() {
    return record;
  }

  public Path file() {
    return file;
  }

  /** Appends a step and writes both files; returns whether the files are now up to date. */
  public synchronized boolean step(String step, Instant at, String outcome, String detail) {
    record.steps.add(new JournalRecord.StepEntry(step, at, outcome, detail == null ? null : redactor.redact(detail)));
    return write();
  }

  /** Writes both files; returns false (and remembers why) when they could not be written. */
  public synchronized boolean write() {
    try {
      byte[] bytes = (redactor.redact(Json.write(record)) + "\n").getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(file, bytes);
      if (last != null) {
        AtomicFiles.write(last, bytes);
      }
      writeFailure = null;
      return true;
    } catch (IOException | RuntimeException e) {
      writeFailure = "cannot write the deployment journal " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage());
      return false;
    }
  }

  /** Why the last write failed, or null when the files are up to date. */
  public String writeFailure() {
    return writeFailure;
  }

  /** The last deployment journaled for {@code environment} under {@code root}. */
  public static JournalRecord readLast(Path root, String environment) throws InvalidInputException {
    return Json.readFile(root.resolve(environment).resolve("last.json"), JournalRecord.class,
        "a Slipway deployment journal (written by deploy:ecs)");
  }

  public static Path lastFile(Path root, String environment) {
    return root.resolve(environment).resolve("last.json");
  }
}
