package dev.slipway.perf.testservers;

import java.util.ArrayList;
import java.util.List;

/** Holds on to everything it is given: the leak the perf:memory test expects to be named. */
final class RetainingRegistry {
  record Entry(long id, byte[] payload) {}

  private static final List<Entry> ENTRIES = new ArrayList<>();

  private RetainingRegistry() {}

  static synchronized void add(long id, byte[] payload) {
    ENTRIES.add(new Entry(id, payload));
  }
}
