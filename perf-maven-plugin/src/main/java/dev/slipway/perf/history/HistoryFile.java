package dev.slipway.perf.history;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slipway.common.AtomicFiles;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The performance history: a JSON-lines file, one {@link HistoryEntry} per line, oldest first.
 *
 * <p>Appends hold an exclusive lock on a sibling {@code .lock} file (other processes) and an in-process lock (other
 * threads), read the current lines, add the new ones, keep only the newest {@code maxEntries}, and replace the file
 * atomically. Readers therefore always see a whole file, and concurrent writers never lose or interleave lines.
 */
public final class HistoryFile {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static final ObjectWriter LINE = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);

  private final Path file;

  public HistoryFile(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  public Path path() {
    return file;
  }

  /** All entries, oldest first; empty when the file does not exist. A malformed line names the file and line. */
  public List<HistoryEntry> read() throws InvalidInputException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": cannot read the performance history (" + e.getMessage() + ")", e);
    }
    List<HistoryEntry> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      HistoryEntry e;
      try {
        e = Json.mapper().readValue(line, HistoryEntry.class);
      } catch (IOException ex) {
        throw new InvalidInputException(file + ":" + (i + 1) + ": not a history entry {\"v\":1, \"time\", "
            + "\"build\", \"context\", \"result\"} or {\"v\":2, \"time\", \"accept\"} ("
            + firstLine(ex.getMessage()) + ")", ex);
      }
      if (e.v() < 1 || e.v() > HistoryEntry.VERSION) {
        throw new InvalidInputException(file + ":" + (i + 1) + ": history line version " + e.v()
            + " is not supported; this Slipway reads versions 1 to " + HistoryEntry.VERSION);
      }
      if (e.time() == null || (e.result() == null && e.accept() == null)) {
        throw new InvalidInputException(file + ":" + (i + 1) + ": history line lacks \"time\", or both \"result\" "
            + "and \"accept\"");
      }
      out.add(e);
    }
    return out;
  }

  /**
   * Appends {@code entries}, keeping at most {@code maxEntries} lines (the oldest are dropped), atomically and under
   * a lock. Returns the number of lines dropped.
   */
  public int append(List<HistoryEntry> entries, int maxEntries) throws IOException {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("perf.historyMaxEntries = " + maxEntries + " is not accepted; expected >= 1");
    }
    ReentrantLock local = IN_PROCESS.computeIfAbsent(file, k -> new ReentrantLock());
    local.lock();
    try {
      Files.createDirectories(file.getParent());
      Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        List<String> lines = new ArrayList<>();
        if (Files.exists(file)) {
          for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
              lines.add(l);
            }
          }
        }
        for (HistoryEntry e : entries) {
          lines.add(LINE.writeValueAsString(e));
        }
        int drop = Math.max(0, lines.size() - maxEntries);
        List<String> kept = lines.subList(drop, lines.size());
        StringBuilder sb = new StringBuilder();
        for (String l : kept) {
          sb.append(l).append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return drop;
      }
    } finally {
      local.unlock();
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
