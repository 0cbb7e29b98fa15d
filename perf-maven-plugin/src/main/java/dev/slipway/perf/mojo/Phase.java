package dev.slipway.perf.mojo;

/** An open-model phase configured in the POM: {@code duration} (e.g. 30s), {@code arrivalRate}, {@code rampTo}. */
public class Phase {
  String duration;
  double arrivalRate;
  Double rampTo;
}
