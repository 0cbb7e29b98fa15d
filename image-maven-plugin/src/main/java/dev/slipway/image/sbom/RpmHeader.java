package dev.slipway.image.sbom;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One RPM header blob as the rpm database stores it per package (the {@code blob} column of {@code rpmdb.sqlite}'s
 * {@code Packages} table, a value of the Berkeley DB and NDB stores): a big-endian index count {@code il} and data
 * length {@code dl}, {@code il} index entries of four big-endian 32-bit words (tag, type, offset into the data
 * store, count), then the {@code dl}-byte data store. Strings are NUL-terminated; string arrays are {@code count}
 * consecutive strings; integers are big-endian and aligned to their size within the store. The first entry may be a
 * region tag (61, 62 or 63) whose data is a trailer entry; it describes how the header was signed and holds no
 * package data, so it is skipped. A tag written twice (a "dribble" entry after the region) takes the later value.
 *
 * <p>Every offset and length is checked against the blob; a malformed header is an {@link RpmHeaderException}
 * naming the entry, never an out-of-bounds read.
 */
public final class RpmHeader {
  public static final int NAME = 1000;
  public static final int VERSION = 1001;
  public static final int RELEASE = 1002;
  public static final int EPOCH = 1003;
  public static final int SUMMARY = 1004;
  public static final int VENDOR = 1011;
  public static final int LICENSE = 1014;
  public static final int URL = 1020;
  public static final int ARCH = 1022;
  public static final int SOURCERPM = 1044;
  public static final int DIRINDEXES = 1116;
  public static final int BASENAMES = 1117;
  public static final int DIRNAMES = 1118;

  static final int TYPE_NULL = 0;
  static final int TYPE_CHAR = 1;
  static final int TYPE_INT8 = 2;
  static final int TYPE_INT16 = 3;
  static final int TYPE_INT32 = 4;
  static final int TYPE_INT64 = 5;
  static final int TYPE_STRING = 6;
  static final int TYPE_BIN = 7;
  static final int TYPE_STRING_ARRAY = 8;
  static final int TYPE_I18NSTRING = 9;

  /** rpm refuses headers above this size (lib/header.c, headerMaxbytes). */
  private static final int MAX_BYTES = 256 * 1024 * 1024;
  private static final int MAX_ENTRIES = 0xffff;

  /** A header blob that does not parse. */
  public static final class RpmHeaderException extends Exception {
    public RpmHeaderException(String message) {
      super(message);
    }
  }

  private record Entry(int type, int offset, int count) {}

  private final ByteBuffer blob;
  private final int dataStart;
  private final int dataEnd;
  private final Map<Integer, Entry> entries;

  private RpmHeader(ByteBuffer blob, int dataStart, int dataEnd, Map<Integer, Entry> entries) {
    this.blob = blob;
    this.dataStart = dataStart;
    this.dataEnd = dataEnd;
    this.entries = entries;
  }

  public static RpmHeader parse(byte[] bytes) throws RpmHeaderException {
    if (bytes.length < 8) {
      throw new RpmHeaderException("header blob of " + bytes.length + " bytes is shorter than its 8-byte preamble");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes); // big-endian by default, as rpm writes headers
    int il = b.getInt(0);
    int dl = b.getInt(4);
    if (il < 1 || il > MAX_ENTRIES) {
      throw new RpmHeaderException("header blob declares " + il + " index entries (expected 1 to " + MAX_ENTRIES + ")");
    }
    if (dl < 0 || dl > MAX_BYTES) {
      throw new RpmHeaderException("header blob declares a data store of " + dl + " bytes");
    }
    long dataStart = 8L + 16L * il;
    long dataEnd = dataStart + dl;
    if (dataEnd > bytes.length) {
      throw new RpmHeaderException("header blob declares " + il + " entries and " + dl + " data bytes ("
          + dataEnd + " bytes) but has " + bytes.length);
    }
    Map<Integer, Entry> entries = new HashMap<>();
    for (int i = 0; i < il; i++) {
      int at = 8 + 16 * i;
      int tag = b.getInt(at);
      int type = b.getInt(at + 4);
      int offset = b.getInt(at + 8);
      int count = b.getInt(at + 12);
      if (type < TYPE_NULL || type > TYPE_I18NSTRING) {
        throw new RpmHeaderException("entry " + i + " (tag " + tag + ") has unknown type " + type);
      }
      if (offset < 0 || offset >= dl) {
        throw new RpmHeaderException("entry " + i + " (tag " + tag + ") points at offset " + offset
            + " outside the " + dl + "-byte data store");
      }
      if (count < 0) {
        throw new RpmHeaderException("entry " + i + " (tag " + tag + ") has a negative count " + count);
      }
      if (i == 0 && tag >= 61 && tag <= 63) {
        continue; // region tag: its data is the region trailer, not package data
      }
      int align = switch (type) {
        case TYPE_INT16 -> 2;
        case TYPE_INT32 -> 4;
        case TYPE_INT64 -> 8;
        default -> 1;
      };
      if (offset % align != 0) {
        throw new RpmHeaderException("entry " + i + " (tag " + tag + ") of type " + type + " is not aligned (offset "
            + offset + ")");
      }
      entries.put(tag, new Entry(type, offset, count));
    }
    return new RpmHeader(b, (int) dataStart, (int) dataEnd, entries);
  }

  public boolean has(int tag) {
    return entries.containsKey(tag);
  }

  /** A STRING (or the first string of a STRING_ARRAY / I18NSTRING, which is the untranslated one); null if absent. */
  public String string(int tag) throws RpmHeaderException {
    Entry e = entries.get(tag);
    if (e == null) {
      return null;
    }
    if (e.type() != TYPE_STRING && e.type() != TYPE_STRING_ARRAY && e.type() != TYPE_I18NSTRING) {
      throw new RpmHeaderException("tag " + tag + " has type " + e.type() + ", not a string");
    }
    if (e.count() < 1) {
      return null;
    }
    return readString(dataStart + e.offset(), tag);
  }

  /** A STRING_ARRAY (a STRING as one element); an empty array if absent. */
  public String[] strings(int tag) throws RpmHeaderException {
    Entry e = entries.get(tag);
    if (e == null) {
      return new String[0];
    }
    if (e.type() == TYPE_STRING) {
      return new String[] {readString(dataStart + e.offset(), tag)};
    }
    if (e.type() != TYPE_STRING_ARRAY && e.type() != TYPE_I18NSTRING) {
      throw new RpmHeaderException("tag " + tag + " has type " + e.type() + ", not a string array");
    }
    if (e.count() > dataEnd - dataStart) {
      throw new RpmHeaderException("tag " + tag + " declares " + e.count() + " strings, more than the store holds");
    }
    String[] out = new String[e.count()];
    int at = dataStart + e.offset();
    for (int i = 0; i < out.length; i++) {
      int end = stringEnd(at, tag);
      out[i] = decode(at, end);
      at = end + 1;
    }
    return out;
  }

  /** The first value of an INT32 (or INT16 / INT8 / CHAR) tag; null if absent. */
  public Integer integer(int tag) throws RpmHeaderException {
    int[] all = integers(tag);
    return all.length == 0 ? null : all[0];
  }

  /** Every value of an integer tag, widened to int (INT16 and INT8 as unsigned); empty if absent. */
  public int[] integers(int tag) throws RpmHeaderException {
    Entry e = entries.get(tag);
    if (e == null) {
      return new int[0];
    }
    int size = switch (e.type()) {
      case TYPE_CHAR, TYPE_INT8 -> 1;
      case TYPE_INT16 -> 2;
      case TYPE_INT32 -> 4;
      default -> throw new RpmHeaderException("tag " + tag + " has type " + e.type() + ", not an integer");
    };
    long end = (long) dataStart + e.offset() + (long) size * e.count();
    if (end > dataEnd) {
      throw new RpmHeaderException("tag " + tag + ": " + e.count() + " values of " + size
          + " bytes run past the data store");
    }
    int[] out = new int[e.count()];
    int at = dataStart + e.offset();
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (size) {
        case 1 -> blob.get(at + i) & 0xff;
        case 2 -> blob.getShort(at + 2 * i) & 0xffff;
        default -> blob.getInt(at + 4 * i);
      };
    }
    return out;
  }

  private String readString(int from, int tag) throws RpmHeaderException {
    return decode(from, stringEnd(from, tag));
  }

  /** The position of the NUL that ends the string at {@code from}. */
  private int stringEnd(int from, int tag) throws RpmHeaderException {
    int end = from;
    while (end < dataEnd && blob.get(end) != 0) {
      end++;
    }
    if (end >= dataEnd) {
      throw new RpmHeaderException("tag " + tag + ": string at offset " + (from - dataStart)
          + " is not NUL-terminated within the data store");
    }
    return end;
  }

  private String decode(int from, int end) {
    byte[] bytes = new byte[end - from];
    blob.get(from, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
