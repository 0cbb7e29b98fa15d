package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private static boolean feedByteByByte(ResponseParser p, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    boolean done = false;
    for (byte x : b) {
      assertThat(done).as("done before the end").isFalse();
      done = p.feed(ByteBuffer.wrap(new byte[] {x}));
    }
    return done;
  }

  @Test
  void contentLengthChunkedAndCloseDelimited() {
    ResponseParser p = new ResponseParser();
    p.reset(false);
    assertThat(feedByteByByte(p, "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX: y\r\n\r\nhello")).isTrue();
    assertThat(p.status()).isEqualTo(201);
    assertThat(p.closeAfter()).isFalse();

    p.reset(false);
    assertThat(feedByteByByte(p,
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n"))
        .isTrue();

    p.reset(false);
    assertThat(p.feed(ByteBuffer.wrap("HTTP/1.0 200 OK\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII))))
        .isFalse();
    assertThat(p.endsAtClose()).isTrue();
    p.endOfStream();
    assertThat(p.done()).isTrue();
    assertThat(p.closeAfter()).isTrue();

    p.reset(true);
    assertThat(p.feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII)))).as("HEAD has no body").isTrue();
    assertThat(p.closeAfter()).isTrue();

    p.reset(false);
    assertThat(p.feed(ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII)))).isTrue();
    assertThat(p.status()).isEqualTo(204);
  }

  @Test
  void garbageIsMalformed() {
    ResponseParser p = new ResponseParser();
    p.reset(false);
    assertThatThrownBy(() -> p.feed(ByteBuffer.wrap("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(ResponseParser.MalformedResponseException.class).hasMessageContaining("SSH-2.0");
  }
}
