package dev.slipway.image.sbom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * Reads the packages of an rpm database file: {@code rpmdb.sqlite} (rpm 4.16 and later: Amazon Linux 2023, RHEL and
 * UBI 9, Fedora 33+) through SQLite (sqlite-jdbc), one {@link RpmHeader} blob per row of its {@code Packages}
 * table. The older Berkeley DB {@code Packages} (RHEL/UBI 8, Amazon Linux 2) and SUSE's NDB {@code Packages.db}
 * are recognised but not read: the result then carries a problem, so the SBOM says its package list is incomplete
 * rather than silently listing nothing. {@code gpg-pubkey} entries are the signing keys rpm imported, not
 * software, and are left out (scanners drop them too).
 */
public final class RpmDatabase {
  /** One installed package, as its header states it. */
  public record Entry(String name, String version, String release, Integer epoch, String arch, String sourceRpm,
      String license, String vendor, String url, String summary) {}

  /**
   * What one database file held.
   *
   * @param ownedPaths files the packages own that the caller asked about (no leading slash)
   * @param problem why (some of) it could not be read; null when all of it was
   */
  public record Contents(List<Entry> packages, List<String> ownedPaths, String problem) {
    public Contents {
      packages = packages == null ? List.of() : List.copyOf(packages);
      ownedPaths = ownedPaths == null ? List.of() : List.copyOf(ownedPaths);
    }
  }

  private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private RpmDatabase() {}

  /**
   * Reads {@code content}, the bytes of the database file at {@code path} in the image; {@code interesting} selects
   * the owned files to report (e.g. JVM release files).
   */
  public static Contents read(byte[] content, String path, Predicate<String> interesting) {
    if (startsWith(content, SQLITE_MAGIC)) {
      return readSqlite(content, path, interesting);
    }
    if (content.length >= 16 && (readInt(content, 12, false) == 0x00061561 || readInt(content, 12, true) == 0x00061561)) {
      return new Contents(null, null, path + " is a Berkeley DB rpm database (RHEL/UBI 8, Amazon Linux 2 and older): "
          + "Slipway reads rpmdb.sqlite only, so this image's RPM packages are not listed");
    }
    if (startsWith(content, "RpmP".getBytes(StandardCharsets.US_ASCII))) {
      return new Contents(null, null, path + " is an NDB rpm database (SUSE): Slipway reads rpmdb.sqlite only, "
          + "so this image's RPM packages are not listed");
    }
    return new Contents(null, null, path + " is not an rpm database Slipway can read (" + content.length
        + " bytes, no SQLite header): this image's RPM packages are not listed");
  }

  private static Contents readSqlite(byte[] content, String path, Predicate<String> interesting) {
    Path tmp = null;
    try {
      // SQLite reads files, not byte arrays; the copy is ours alone, so it is opened read-only and immutable
      tmp = Files.createTempFile("slipway-rpmdb", ".sqlite");
      Files.write(tmp, content);
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      Properties props = config.toProperties();
      List<Entry> packages = new ArrayList<>();
      List<String> owned = new ArrayList<>();
      int bad = 0;
      String firstBad = null;
      // the driver directly, not DriverManager: a Maven plugin's class realm is not the one DriverManager searches
      try (Connection c = new JDBC().connect("jdbc:sqlite:" + tmp, props);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT hnum, blob FROM Packages ORDER BY hnum")) {
        while (rs.next()) {
          byte[] blob = rs.getBytes(2);
          try {
            RpmHeader h = RpmHeader.parse(blob == null ? new byte[0] : blob);
            String name = h.string(RpmHeader.NAME);
            if (name == null || name.equals("gpg-pubkey")) {
              continue;
            }
            packages.add(new Entry(name, h.string(RpmHeader.VERSION), h.string(RpmHeader.RELEASE),
                h.integer(RpmHeader.EPOCH), h.string(RpmHeader.ARCH), h.string(RpmHeader.SOURCERPM),
                h.string(RpmHeader.LICENSE), h.string(RpmHeader.VENDOR), h.string(RpmHeader.URL),
                h.string(RpmHeader.SUMMARY)));
            owned.addAll(ownedFiles(h, interesting));
          } catch (RpmHeader.RpmHeaderException e) {
            bad++;
            if (firstBad == null) {
              firstBad = "package record " + rs.getLong(1) + ": " + e.getMessage();
            }
          }
        }
      }
      String problem = bad == 0 ? null : path + ": " + bad + " package record(s) could not be parsed, so they are "
          + "missing from the SBOM (first: " + firstBad + ")";
      return new Contents(packages, owned, problem);
    } catch (SQLException e) {
      return new Contents(null, null, "cannot read the rpm database " + path + " with SQLite (" + e.getMessage()
          + "): this image's RPM packages are not listed");
    } catch (IOException e) {
      return new Contents(null, null, "cannot copy the rpm database " + path + " to a temporary file ("
          + e.getMessage() + "): this image's RPM packages are not listed");
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  /** Files the header lists (directory + base name) that {@code interesting} accepts, without the leading slash. */
  private static List<String> ownedFiles(RpmHeader h, Predicate<String> interesting)
      throws RpmHeader.RpmHeaderException {
    String[] base = h.strings(RpmHeader.BASENAMES);
    if (base.length == 0) {
      return List.of();
    }
    String[] dirs = h.strings(RpmHeader.DIRNAMES);
    int[] index = h.integers(RpmHeader.DIRINDEXES);
    if (index.length != base.length) {
      throw new RpmHeader.RpmHeaderException("the file list has " + base.length + " names but " + index.length
          + " directory indexes");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < base.length; i++) {
      if (index[i] < 0 || index[i] >= dirs.length) {
        throw new RpmHeader.RpmHeaderException("file " + base[i] + " names directory " + index[i] + " of "
            + dirs.length);
      }
      String p = LayerFiles.normalize(dirs[index[i]] + base[i]);
      if (interesting.test(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static boolean startsWith(byte[] content, byte[] prefix) {
    return content.length >= prefix.length && Arrays.equals(content, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static int readInt(byte[] b, int at, boolean bigEndian) {
    return bigEndian
        ? ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff)
        : ((b[at + 3] & 0xff) << 24) | ((b[at + 2] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at] & 0xff);
  }
}
