package dev.slipway.perf.results;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Failed requests by cause: {@code status} (a response with a status the scenario did not expect), {@code timeout}
 * (no complete response in time), {@code connect} (the connection could not be opened), {@code other} (the
 * connection broke mid-exchange, a malformed response, or a failure the source tool does not classify).
 */
public record Errors(long status, long timeout, long connect, long other) {
  public static final Errors NONE = new Errors(0, 0, 0, 0);

  @JsonIgnore
  public long total() {
    return status + timeout + connect + other;
  }

  public Errors plus(Errors o) {
    return new Errors(status + o.status, timeout + o.timeout, connect + o.connect, other + o.other);
  }
}
