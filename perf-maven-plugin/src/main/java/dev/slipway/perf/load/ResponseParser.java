package dev.slipway.perf.load;

import java.nio.ByteBuffer;

/**
 * Incremental HTTP/1.1 response parser that keeps only what a load generator needs: the status, whether the
 * connection stays open, and where the response ends (Content-Length, chunked, or end of stream). Bodies are
 * skipped without copying unless the step asked to keep the response (for a capture or an expectation), in which
 * case the headers and up to {@link #MAX_KEPT_BODY} bytes of the body are kept. One instance per connection,
 * {@link #reset(boolean, boolean)} before each response.
 *
 * <p>Edge cases servers do produce: {@code 101 Switching Protocols} ends the exchange (the connection no longer
 * speaks HTTP/1.1 and is closed); repeated {@code Content-Length} headers or a list of equal values are accepted,
 * differing ones are malformed (RFC 9112 §6.3); header lines longer than {@link #MAX_LINE} bytes are skipped past
 * unless they are framing headers; and an HTTP/2 frame where a status line should be is reported as such
 * ({@link Http2OnlyException}), because no number of retries makes an HTTP/2-only server answer HTTP/1.1.
 */
final class ResponseParser {
  private enum State { STATUS, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, DONE }

  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TRANSFER_ENCODING =
      "transfer-encoding:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION = "connection:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final int MAX_LINE = 16 * 1024;
  /** Most body bytes kept for captures and expectations; a longer body is cut (and said so). */
  static final int MAX_KEPT_BODY = 1024 * 1024;

  private final byte[] line = new byte[MAX_LINE];
  private int lineLen;
  /** The current line is longer than {@link #MAX_LINE}: the rest of it is skipped. */
  private boolean lineTruncated;
  /** Bytes of the response seen so far (to recognise an HTTP/2 frame header at its very start). */
  private int seen;
  private final byte[] first = new byte[9];
  private boolean keep;
  private java.util.Map<String, String> headers;
  private java.io.ByteArrayOutputStream body;
  private boolean bodyCut;
  private State state;
  private boolean head;
  private int status;
  private long remaining;
  private boolean chunked;
  private boolean close;
  private boolean http10;

  /** Prepares for the next response; {@code headRequest} when it answers a HEAD (no body whatever the headers). */
  void reset(boolean headRequest) {
    reset(headRequest, false);
  }

  /** As {@link #reset(boolean)}; {@code keepResponse} keeps headers and body for captures and expectations. */
  void reset(boolean headRequest, boolean keepResponse) {
    state = State.STATUS;
    head = headRequest;
    lineLen = 0;
    lineTruncated = false;
    seen = 0;
    keep = keepResponse;
    headers = keepResponse ? new java.util.LinkedHashMap<>() : null;
    body = keepResponse ? new java.io.ByteArrayOutputStream() : null;
    bodyCut = false;
    status = 0;
    remaining = -1;
    chunked = false;
    close = false;
    http10 = false;
  }

  int status() {
    return status;
  }

  /** Headers by lower-case name (repeated ones joined with ", "), when the response was kept; else empty. */
  java.util.Map<String, String> headers() {
    return headers == null ? java.util.Map.of() : headers;
  }

  /** The body as received (chunked framing removed), when the response was kept; else empty. */
  byte[] body() {
    return body == null ? new byte[0] : body.toByteArray();
  }

  /** Whether the kept body was longer than {@link #MAX_KEPT_BODY} and cut. */
  boolean bodyCut() {
    return bodyCut;
  }

  /** Whether the server will close (or has asked to close) the connection after this response. */
  boolean closeAfter() {
    return close || http10;
  }

  boolean done() {
    return state == State.DONE;
  }

  /** Whether the body is delimited by the end of the stream, so EOF completes it. */
  boolean endsAtClose() {
    return state == State.UNTIL_CLOSE;
  }

  /**
   * Consumes bytes from {@code buf}; returns true once the response is complete. Bytes after the end are left in the
   * buffer (a well-behaved server sends none, since requests are not pipelined).
   *
   * @throws MalformedResponseException on anything that is not HTTP/1.x
   */
  boolean feed(ByteBuffer buf) {
    while (buf.hasRemaining() && state != State.DONE) {
      switch (state) {
        case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
          if (readLine(buf)) {
            onLine();
          }
        }
        case BODY, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, buf.remaining());
          keepBody(buf, n);
          buf.position(buf.position() + n);
          remaining -= n;
          if (remaining == 0) {
            state = state == State.BODY ? State.DONE : State.CHUNK_END;
          }
        }
        case UNTIL_CLOSE -> {
          keepBody(buf, buf.remaining());
          buf.position(buf.limit());
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return state == State.DONE;
  }

  private void keepBody(ByteBuffer buf, int n) {
    if (body == null || n <= 0) {
      return;
    }
    int room = MAX_KEPT_BODY - body.size();
    int take = Math.min(room, n);
    if (take < n) {
      bodyCut = true;
    }
    for (int i = 0; i < take; i++) {
      body.write(buf.get(buf.position() + i));
    }
  }

  private boolean readLine(ByteBuffer buf) {
    while (buf.hasRemaining()) {
      byte b = buf.get();
      if (state == State.STATUS && seen < first.length) {
        first[seen++] = b;
        if (seen == first.length) {
          checkHttp2();
        }
      }
      if (b == '\n') {
        if (lineLen > 0 && line[lineLen - 1] == '\r' && !lineTruncated) {
          lineLen--;
        }
        return true;
      }
      if (lineLen == MAX_LINE) {
        // A long Set-Cookie or Content-Security-Policy is legal; only its first bytes are kept, which is enough
        // to recognise the headers the parser needs (those are short, and a cut one is refused in onLine).
        lineTruncated = true;
        continue;
      }
      line[lineLen++] = b;
    }
    return false;
  }

  /**
   * An HTTP/2 server that gets an HTTP/1.1 request on a prior-knowledge (h2c) port answers with a frame: 3 bytes of
   * length, a type (4 = SETTINGS, 7 = GOAWAY), flags and stream 0. No HTTP/1.x status line starts with a 0 byte.
   */
  private void checkHttp2() {
    int type = first[3];
    boolean streamZero = (first[5] | first[6] | first[7] | first[8]) == 0;
    if (first[0] == 0 && streamZero && (type == 4 || type == 7)) {
      throw new Http2OnlyException();
    }
  }

  private void onLine() {
    int len = lineLen;
    boolean cut = lineTruncated;
    lineLen = 0;
    lineTruncated = false;
    switch (state) {
      case STATUS -> {
        if (seen > 3 && first[0] == 0 && (first[3] == 4 || first[3] == 7)) {
          // a frame whose length bytes happened to contain a line feed
          throw new Http2OnlyException();
        }
        if (len >= 6 && text(0, 6).equals("HTTP/2")) {
          throw new Http2OnlyException();
        }
        // "HTTP/1.1 200 OK"
        if (cut || len < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P'
            || line[4] != '/') {
          throw new MalformedResponseException("not an HTTP/1.x status line: " + printable(0, Math.min(len, 60)));
        }
        http10 = line[5] == '1' && line[7] == '0';
        status = digit(9) * 100 + digit(10) * 10 + digit(11);
        state = State.HEADERS;
      }
      case HEADERS -> {
        boolean framing = startsWithIgnoreCase(CONTENT_LENGTH, len) || startsWithIgnoreCase(TRANSFER_ENCODING, len);
        if (cut && framing) {
          throw new MalformedResponseException("framing header line longer than " + MAX_LINE + " bytes: "
              + printable(0, 40));
        }
        if (keep && len > 0) {
          keepHeader(len, cut);
        }
        if (len == 0) {
          endOfHeaders();
        } else if (startsWithIgnoreCase(CONTENT_LENGTH, len)) {
          contentLength(len);
        } else if (startsWithIgnoreCase(TRANSFER_ENCODING, len)) {
          chunked = text(TRANSFER_ENCODING.length, len).toLowerCase(java.util.Locale.ROOT).contains("chunked");
        } else if (startsWithIgnoreCase(CONNECTION, len)) {
          String v = text(CONNECTION.length, len).trim().toLowerCase(java.util.Locale.ROOT);
          if (v.contains("close")) {
            close = true;
          } else if (v.contains("keep-alive")) {
            http10 = false;
          }
        }
      }
      case CHUNK_SIZE -> {
        int end = 0;
        while (end < len && line[end] != ';') {
          end++;
        }
        remaining = parseLong(0, end, 16);
        state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
      }
      case CHUNK_END -> {
        if (len != 0) {
          throw new MalformedResponseException("chunk not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
      }
      case TRAILERS -> {
        if (len == 0) {
          state = State.DONE;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /**
   * Content-Length, possibly repeated or a list ({@code 5, 5}): all values must agree, since differing lengths are
   * how responses get smuggled (RFC 9112 §6.3).
   */
  private void contentLength(int len) {
    int from = CONTENT_LENGTH.length;
    while (from <= len) {
      int to = from;
      while (to < len && line[to] != ',') {
        to++;
      }
      long v = parseLong(from, to, 10);
      if (remaining >= 0 && v != remaining) {
        throw new MalformedResponseException("conflicting Content-Length values " + remaining + " and " + v);
      }
      remaining = v;
      from = to + 1;
    }
  }

  private void keepHeader(int len, boolean cut) {
    int colon = 0;
    while (colon < len && line[colon] != ':') {
      colon++;
    }
    if (colon == len) {
      return;
    }
    String name = text(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
    String value = new String(line, colon + 1, len - colon - 1, java.nio.charset.StandardCharsets.UTF_8).trim()
        + (cut ? "…" : "");
    headers.merge(name, value, (a, b) -> a + ", " + b);
  }

  private void endOfHeaders() {
    if (status == 101) {
      // Switching Protocols: the exchange is over and the connection speaks something else from here on.
      close = true;
      state = State.DONE;
      return;
    }
    if (status / 100 == 1) {
      // 100 Continue and friends: the real response follows.
      remaining = -1;
      chunked = false;
      state = State.STATUS;
      return;
    }
    if (head || status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (remaining >= 0) {
      state = remaining == 0 ? State.DONE : State.BODY;
    } else {
      close = true;
      state = State.UNTIL_CLOSE;
    }
  }

  /** Marks a body delimited by end of stream as complete. */
  void endOfStream() {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
    }
  }

  private int digit(int i) {
    int d = line[i] - '0';
    if (d < 0 || d > 9) {
      throw new MalformedResponseException("bad status code in: " + text(0, Math.min(lineLen + 12, 60)));
    }
    return d;
  }

  private boolean startsWithIgnoreCase(byte[] prefix, int len) {
    if (len < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      int c = line[i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private long parseLong(int from, int to, int radix) {
    long v = 0;
    boolean any = false;
    for (int i = from; i < to; i++) {
      int c = line[i];
      if (c == ' ' || c == '\t') {
        if (any) {
          break;
        }
        continue;
      }
      int d = Character.digit(c, radix);
      if (d < 0) {
        throw new MalformedResponseException("bad number in header line: " + text(0, to));
      }
      v = v * radix + d;
      any = true;
    }
    if (!any) {
      throw new MalformedResponseException("missing number in header line: " + text(0, to));
    }
    return v;
  }

  private String text(int from, int to) {
    return new String(line, from, Math.max(0, to - from), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** For messages: control bytes shown as {@code \xNN}, so binary garbage stays readable in a log line. */
  private String printable(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      int c = line[i] & 0xff;
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  /** The server answered with an HTTP/2 frame: it speaks HTTP/2 only on this port. */
  static final class Http2OnlyException extends MalformedResponseException {
    Http2OnlyException() {
      super("the server answered with an HTTP/2 frame instead of an HTTP/1.1 status line: it speaks HTTP/2 only "
          + "on this port (h2c with prior knowledge), and perf:load speaks HTTP/1.1. Point perf.target at a port "
          + "that serves HTTP/1.1 (most servers offer both; enable HTTP/1.1 next to h2c)");
    }
  }

  /** The server sent something that is not a valid HTTP/1.x response. */
  static class MalformedResponseException extends RuntimeException {
    MalformedResponseException(String message) {
      super(message);
    }
  }
}
