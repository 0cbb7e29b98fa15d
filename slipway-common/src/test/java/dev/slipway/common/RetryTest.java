package dev.slipway.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryTest {
  @Test
  void retriesTransientFailuresWithGrowingBackoffThenSucceeds() throws Exception {
    List<Duration> sleeps = new ArrayList<>();
    Retry retry = new Retry(4, Duration.ofMillis(100), Duration.ofMillis(250), sleeps::add);
    int[] calls = {0};
    String result = retry.call("push", () -> {
      if (++calls[0] < 4) {
        throw new IOException("connection refused");
      }
      return "ok";
    }, e -> e instanceof IOException, Log.silent());
    assertThat(result).isEqualTo("ok");
    assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
  }

  @Test
  void permanentFailureIsThrownAtOnce() {
    Retry retry = new Retry(5, Duration.ofMillis(1), Duration.ofMillis(1), d -> {});
    int[] calls = {0};
    assertThatThrownBy(() -> retry.call("push", () -> {
      calls[0]++;
      throw new IllegalStateException("unauthorized");
    }, e -> e instanceof IOException, Log.silent())).hasMessage("unauthorized");
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  void theLastCheckedFailureIsRethrownUnchanged() {
    Retry retry = new Retry(2, Duration.ofMillis(1), Duration.ofMillis(1), d -> {});
    IOException boom = new IOException("registry down");
    assertThatThrownBy(() -> retry.call("push", () -> {
      throw boom;
    }, e -> true, Log.silent())).isSameAs(boom);
  }
}
