package dev.slipway.perf.load;

/** Why a request failed, mapped onto the result schema's error causes. */
enum Failure {
  TIMEOUT,
  CONNECT,
  OTHER,
  /** Never sent: the generator's pool stayed at its cap until the timeout. */
  NOT_SENT
}
