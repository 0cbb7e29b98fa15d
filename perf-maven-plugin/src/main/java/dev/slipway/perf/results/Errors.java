package dev.slipway.perf.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Failed requests by cause: {@code status} (a response with a status the scenario did not expect), {@code timeout}
 * (no complete response in time), {@code connect} (the connection could not be opened), {@code other} (the
 * connection broke mid-exchange, a malformed response, or a failure the source tool does not classify),
 * {@code check} (a response that failed a check of the scenario other than its status: an Artillery {@code expect}
 * such as {@code contentType}, a {@code capture} that found nothing, or a JMeter assertion on a 2xx/3xx answer),
 * and {@code notSent} (a scheduled arrival the load generator never sent because its connection pool stayed at its
 * cap until the timeout: the generator's limit, not the server's answer). The last two are written only when
 * non-zero, and read as 0 from older files.
 */
public record Errors(
    long status,
    long timeout,
    long connect,
    long other,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long check,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) long notSent) {
  public static final Errors NONE = new Errors(0, 0, 0, 0);

  /** The causes every tool knows. */
  public Errors(long status, long timeout, long connect, long other) {
    this(status, timeout, connect, other, 0, 0);
  }

  @JsonIgnore
  public long total() {
    return status + timeout + connect + other + check + notSent;
  }

  public Errors plus(Errors o) {
    return new Errors(status + o.status, timeout + o.timeout, connect + o.connect, other + o.other,
        check + o.check, notSent + o.notSent);
  }
}
