package dev.slipway.common;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Says what a file-system failure means for the person running the build, instead of the JDK's bare
 * {@code NoSuchFileException: /proc/x}: which path, which parameter it came from, why it failed, and what to do.
 */
public final class FileProblems {
  private FileProblems() {}

  /** The first {@link FileSystemException} in {@code t}'s cause chain, or null. */
  public static FileSystemException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FileSystemException f) {
        return f;
      }
    }
    return null;
  }

  /**
   * A sentence for {@code e}. {@code parameters} maps parameter names to the paths they were set to; the one whose
   * path is closest to the failing file is named (a parameter's directory, a file below it, or a directory on the way
   * to it).
   */
  public static String describe(FileSystemException e, Map<String, Path> parameters) {
    String file = e.getFile() == null ? "?" : e.getFile();
    String parameter = null;
    Path configured = null;
    int best = -1;
    Path failing = Path.of(file).toAbsolutePath().normalize();
    for (Map.Entry<String, Path> p : parameters.entrySet()) {
      if (p.getValue() == null) {
        continue;
      }
      Path dir = p.getValue().toAbsolutePath().normalize();
      if (failing.startsWith(dir) || dir.startsWith(failing)) {
        int score = Math.min(failing.getNameCount(), dir.getNameCount());
        if (score > best) {
          best = score;
          parameter = p.getKey();
          configured = dir;
        }
      }
    }
    String why = reason(e);
    String where = parameter == null ? file
        : parameter + " = " + configured + (failing.equals(configured) ? "" : " (at " + file + ")");
    String todo = parameter == null ? "check that " + file + " can be written, or point the build elsewhere"
        : "set " + parameter + " to a directory this build can write";
    boolean fileInTheWay = e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
        || (e.getReason() != null && e.getReason().toLowerCase(Locale.ROOT).contains("not a directory"));
    if (fileInTheWay || e instanceof DirectoryNotEmptyException) {
      todo = parameter == null ? "move what is at " + file + " out of the way" : "set " + parameter
          + " to a directory (not a file), or move what is in the way";
    }
    return where + ": " + why + "; " + todo;
  }

  private static String reason(FileSystemException e) {
    String r = e.getReason() == null ? "" : e.getReason().toLowerCase(Locale.ROOT);
    String file = e.getFile() == null ? "" : e.getFile();
    boolean pseudo = file.startsWith("/proc/") || file.startsWith("/sys/") || file.equals("/proc") || file.equals("/sys");
    if (e instanceof NoSuchFileException) {
      return pseudo ? "cannot create files there (/proc and /sys are views of the kernel, not directories for files)"
          : "a directory on the way does not exist and could not be created";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException || r.contains("not a directory") || e instanceof NotDirectoryException) {
      return "a file is in the way where a directory is needed";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "the directory is not empty";
    }
    if (r.contains("read-only")) {
      return "the file system is read-only";
    }
    if (r.contains("no space")) {
      return "the disk is full";
    }
    if (r.contains("not permitted")) {
      return "the operating system does not allow it" + (pseudo ? " (/proc and /sys are views of the kernel, not "
          + "directories for files)" : "");
    }
    return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
  }
}
