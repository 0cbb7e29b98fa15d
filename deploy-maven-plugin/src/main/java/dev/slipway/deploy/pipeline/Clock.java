package dev.slipway.deploy.pipeline;

import java.time.Duration;
import java.time.Instant;

/** Time as the deployment sees it: the system clock in a build, the simulator's virtual clock in tests. */
public interface Clock {
  Instant now();

  void sleep(Duration d) throws InterruptedException;

  static Clock system() {
    return new Clock() {
      @Override
      public Instant now() {
        return Instant.now();
      }

      @Override
      public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
      }
    };
  }
}
