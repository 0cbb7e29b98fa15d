package dev.slipway.perf.load;

import java.nio.ByteBuffer;

/**
 * Incremental HTTP/1.1 response parser that keeps only what a load generator needs: the status, whether the
 * connection stays open, and where the response ends (Content-Length, chunked, or end of stream). Bodies are
 * skipped without copying. One instance per connection, {@link #reset(boolean)} before each response.
 */
final class ResponseParser {
  private enum State { STATUS, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, DONE }

  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TRANSFER_ENCODING =
      "transfer-encoding:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CONNECTION = "connection:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int MAX_LINE = 16 * 1024;

  private final byte[] line = new byte[MAX_LINE];
  private int lineLen;
  private State state;
  private boolean head;
  private int status;
  private long remaining;
  private boolean chunked;
  private boolean close;
  private boolean http10;

  /** Prepares for the next response; {@code headRequest} when it answers a HEAD (no body whatever the headers). */
  void reset(boolean headRequest) {
    state = State.STATUS;
    head = headRequest;
    lineLen = 0;
    status = 0;
    remaining = -1;
    chunked = false;
    close = false;
    http10 = false;
  }

  int status() {
    return status;
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
          buf.position(buf.position() + n);
          remaining -= n;
          if (remaining == 0) {
            state = state == State.BODY ? State.DONE : State.CHUNK_END;
          }
        }
        case UNTIL_CLOSE -> buf.position(buf.limit());
        default -> throw new IllegalStateException(state.name());
      }
    }
    return state == State.DONE;
  }

  private boolean readLine(ByteBuffer buf) {
    while (buf.hasRemaining()) {
      byte b = buf.get();
      if (b == '\n') {
        if (lineLen > 0 && line[lineLen - 1] == '\r') {
          lineLen--;
        }
        return true;
      }
      if (lineLen == MAX_LINE) {
        throw new MalformedResponseException("response header line longer than " + MAX_LINE + " bytes");
      }
      line[lineLen++] = b;
    }
    return false;
  }

  private void onLine() {
    int len = lineLen;
    lineLen = 0;
    switch (state) {
      case STATUS -> {
        // "HTTP/1.1 200 OK"
        if (len < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P' || line[4] != '/') {
          throw new MalformedResponseException("not an HTTP/1.x status line: " + text(0, Math.min(len, 60)));
        }
        http10 = line[5] == '1' && line[7] == '0';
        status = digit(9) * 100 + digit(10) * 10 + digit(11);
        state = State.HEADERS;
      }
      case HEADERS -> {
        if (len == 0) {
          endOfHeaders();
        } else if (startsWithIgnoreCase(CONTENT_LENGTH, len)) {
          remaining = parseLong(CONTENT_LENGTH.length, len, 10);
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

  private void endOfHeaders() {
    if (status / 100 == 1) {
      // 100 Continue and friends: the real response follows.
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

  /** The server sent something that is not a valid HTTP/1.x response. */
  static final class MalformedResponseException extends RuntimeException {
    MalformedResponseException(String message) {
      super(message);
    }
  }
}
