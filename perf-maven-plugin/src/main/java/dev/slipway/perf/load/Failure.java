package dev.slipway.perf.load;

/** Why a request failed, mapped onto the result schema's error causes. */
enum Failure {
  TIMEOUT,
  CONNECT,
  OTHER
}
