package dev.slipway.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void masksRegisteredSecretsAndKnownShapes() {
    Redactor r = new Redactor().add("s3cr3t-pass").add("ab");
    String out = r.redact(
        "login with s3cr3t-pass; key AKIAABCDEFGHIJKLMNOP; Authorization: Bearer eyJhbGciOi.x.y;"
            + " https://user:pw@example.test/x; ab stays");
    assertThat(out)
        .doesNotContain("s3cr3t-pass", "AKIAABCDEFGHIJKLMNOP", "eyJhbGciOi", "user:pw")
        .contains("ab stays")
        .contains("Bearer ****");
  }

  @Test
  void redactingLogMasksEveryLevel() {
    var lines = new java.util.ArrayList<String>();
    Log sink = new Log() {
      public void debug(String m) { lines.add(m); }
      public void info(String m) { lines.add(m); }
      public void warn(String m) { lines.add(m); }
      public void error(String m) { lines.add(m); }
    };
    Log log = sink.redacting(new Redactor().add("hunter22"));
    log.debug("d hunter22");
    log.info("i hunter22");
    log.warn("w hunter22");
    log.error("e hunter22");
    assertThat(lines).hasSize(4).noneMatch(l -> l.contains("hunter22"));
  }
}
