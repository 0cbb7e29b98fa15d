package dev.slipway.perf.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorBudgetLimitsTest {
  @Test
  void perEndpointGlobsMatchTheWholeEndpointNameFirstMatchWins() {
    // Was: the glob was matched against "" and "<endpoint>/", so an exact endpoint name never matched.
    Map<String, Double> per = new LinkedHashMap<>(ErrorBudget.parsePerEndpoint("POST /orders=0,GET /flaky*=0.05,"
        + "GET *=0.2"));
    ErrorBudget.Limits limits = new ErrorBudget.Limits(0.01, per, null);

    assertThat(limits.limitFor("POST /orders")).isEqualTo(0.0);
    assertThat(limits.limitFor("GET /flaky/items")).isEqualTo(0.05);
    assertThat(limits.limitFor("GET /health")).isEqualTo(0.2);
    assertThat(limits.limitFor("DELETE /orders/1")).isEqualTo(0.01);
  }
}
