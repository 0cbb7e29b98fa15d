package dev.slipway.perf.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One event-loop thread with its own selector and its share of the connections. HTTP/1.1 with keep-alive, one
 * request in flight per connection (no pipelining, like browsers and wrk). In the open model the loop owns every
 * {@code workers}-th arrival of the schedule and hands it to an idle connection, opening one when none is idle and
 * the pool has room; an arrival that finds the pool exhausted waits, and that wait counts in its latency because
 * latency is measured from the intended send time. In the closed model each connection is a virtual user that
 * sends its next request as soon as the previous response (plus think time) is done.
 */
final class EventLoop implements Runnable {
  private static final long TIMEOUT_SCAN_NANOS = 10_000_000L;
  private static final long RECONNECT_BACKOFF_NANOS = 10_000_000L;

  private final RunControl control;
  private final CompiledPlan plan;
  private final ArrivalSchedule schedule;
  private final InetSocketAddress address;
  private final int index;
  private final int workers;
  private final int maxConnections;
  private final boolean open;
  private final long start;
  private final long warmupEnd;
  private final long end;
  private final long timeoutNanos;

  /** Microseconds from each request's intended send time to when it was written: the generator's own delay. */
  final org.HdrHistogram.Histogram sendLag = new org.HdrHistogram.Histogram(1, EndpointStats.HIGHEST_MICROS, 3);
  /** Responses received before the end of the schedule (after warm-up), for the achieved rate. */
  long inWindow;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private final ArrayDeque<Conn> idle = new ArrayDeque<>();
  private final List<Conn> conns = new ArrayList<>();
  private final ArrayDeque<Arrival> pending = new ArrayDeque<>();
  private Selector selector;
  private long nextArrival;
  private long nextArrivalAt;
  private int wheelPos;
  private long lastTimeoutScan;
  /** Connections whose TCP connect has not completed yet. */
  private int connecting;
  /** Connections with {@code waiting} set, so the loop only scans for due timers when there are any. */
  private int waitingCount;

  private record Arrival(int scenario, long intended) {}

  /** A connection and the virtual user currently driving it. */
  private final class Conn {
    SocketChannel channel;
    SelectionKey key;
    final ResponseParser parser = new ResponseParser();
    boolean connected;
    ByteBuffer out;
    int scenario = -1;
    int step;
    long intended;
    boolean inFlight;
    /** The request's first bytes have not been written yet (for the send-lag histogram). */
    boolean unsent;
    /** Waiting to send at {@code readyAt} (think time, or reconnect backoff). */
    boolean waiting;
    long readyAt;
  }

  EventLoop(RunControl control, CompiledPlan plan, ArrivalSchedule schedule, InetSocketAddress address, int index,
      int workers, int maxConnections, boolean open, long start, long warmupEnd, long end, long timeoutNanos) {
    this.control = control;
    this.plan = plan;
    this.schedule = schedule;
    this.address = address;
    this.index = index;
    this.workers = workers;
    this.maxConnections = maxConnections;
    this.open = open;
    this.start = start;
    this.warmupEnd = warmupEnd;
    this.end = end;
    this.timeoutNanos = timeoutNanos;
    this.wheelPos = index;
  }

  @Override
  public void run() {
    try (Selector s = Selector.open()) {
      selector = s;
      loop();
    } catch (IOException | RuntimeException e) {
      control.fail("event loop " + index + " failed: " + e);
    } finally {
      for (Conn c : new ArrayList<>(conns)) {
        closeQuietly(c);
      }
    }
  }

  private void loop() throws IOException {
    if (open) {
      nextArrival = index;
      nextArrivalAt = arrivalAt(nextArrival);
    } else {
      nextArrivalAt = ArrivalSchedule.END;
      while (System.nanoTime() < start) {
        LockSupport.parkNanos(start - System.nanoTime());
      }
      for (int i = 0; i < maxConnections; i++) {
        Conn c = newConn();
        if (c != null) {
          beginScenario(c, System.nanoTime());
        }
      }
    }
    while (!control.aborted()) {
      long now = System.nanoTime();
      if (!open && now >= end) {
        return;
      }
      while (nextArrivalAt <= now) {
        pending.add(new Arrival(nextScenario(), nextArrivalAt));
        nextArrival += workers;
        nextArrivalAt = arrivalAt(nextArrival);
      }
      if (now - lastTimeoutScan >= TIMEOUT_SCAN_NANOS) {
        lastTimeoutScan = now;
        expire(now);
      }
      long nextTimer = resumeWaiting(now);
      if (!pending.isEmpty() && idle.isEmpty() && selector.selectNow() > 0) {
        // Harvest responses that are already in before opening connections: after the loop was descheduled,
        // busy connections are usually done and free, and new connections would only add connect cost.
        handleSelected();
      }
      dispatch(now);
      if (open && nextArrivalAt == ArrivalSchedule.END && pending.isEmpty() && !busy()) {
        return;
      }
      long wake = Math.min(Math.min(nextArrivalAt, nextTimer), now + TIMEOUT_SCAN_NANOS);
      if (!open) {
        wake = Math.min(wake, end);
      }
      long wait = wake - now;
      int ready;
      if (wait >= 1_000_000L) {
        ready = selector.select(wait / 1_000_000L);
      } else {
        ready = selector.selectNow();
        if (ready == 0 && wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      if (ready > 0) {
        handleSelected();
      }
    }
  }

  private void handleSelected() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey k = it.next();
      it.remove();
      handle(k);
    }
  }

  private long arrivalAt(long n) {
    long off = schedule.offsetNanos(n);
    return off == ArrivalSchedule.END ? ArrivalSchedule.END : start + off;
  }

  private int nextScenario() {
    int s = plan.wheel[wheelPos % plan.wheel.length];
    wheelPos += workers;
    if (wheelPos >= plan.wheel.length * 1024) {
      wheelPos %= plan.wheel.length;
    }
    return s;
  }

  private boolean busy() {
    for (Conn c : conns) {
      if (c.inFlight || c.waiting) {
        return true;
      }
    }
    return false;
  }

  /**
   * Hands waiting arrivals to idle connections (open model), oldest arrival first. New connections are opened only
   * while fewer are being opened than arrivals wait, and are not bound to an arrival: whichever connection frees up
   * or finishes connecting first takes the oldest one, so a slow connect does not hold an arrival back.
   */
  private void dispatch(long now) {
    while (!pending.isEmpty()) {
      // Most recently used first: a small hot set of connections serves the load, the rest stay idle.
      Conn c = idle.pollLast();
      if (c == null) {
        if (conns.size() >= maxConnections || connecting >= pending.size()) {
          return;
        }
        Conn fresh = newConn();
        if (fresh != null && fresh.connected) {
          idle.addLast(fresh);
        } else if (fresh == null) {
          Arrival a = pending.poll();
          count(a.intended, plan.scenarios[a.scenario][0].endpoint, Failure.CONNECT);
        }
        continue;
      }
      Arrival a = pending.poll();
      c.scenario = a.scenario;
      c.step = 0;
      send(c, a.intended);
    }
  }

  private void beginScenario(Conn c, long intended) {
    c.scenario = nextScenario();
    c.step = 0;
    send(c, intended);
  }

  private Conn newConn() {
    Conn c = new Conn();
    try {
      c.channel = SocketChannel.open();
      c.channel.configureBlocking(false);
      c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      boolean done = c.channel.connect(address);
      c.connected = done;
      c.key = c.channel.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
      conns.add(c);
      if (!done) {
        connecting++;
      }
      control.connectionOpened();
      return c;
    } catch (IOException e) {
      control.failure("connect to " + address + ": " + e.getMessage());
      if (c.channel != null) {
        try {
          c.channel.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      return null;
    }
  }

  private void setWaiting(Conn c, boolean waiting) {
    if (c.waiting != waiting) {
      waitingCount += waiting ? 1 : -1;
      c.waiting = waiting;
    }
  }

  private void send(Conn c, long intended) {
    CompiledPlan.Step step = plan.scenarios[c.scenario][c.step];
    c.intended = intended;
    c.inFlight = true;
    setWaiting(c, false);
    c.parser.reset(step.head);
    c.out = ByteBuffer.wrap(step.request);
    c.unsent = true;
    if (c.connected) {
      write(c);
    }
  }

  private void write(Conn c) {
    try {
      if (c.unsent) {
        c.unsent = false;
        long now = System.nanoTime();
        if (c.intended >= warmupEnd && c.intended < end) {
          sendLag.recordValue(Math.max(1, Math.min(EndpointStats.HIGHEST_MICROS, (now - c.intended) / 1000)));
        }
      }
      c.channel.write(c.out);
      c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    } catch (IOException e) {
      fail(c, Failure.OTHER, "write: " + e.getMessage());
    }
  }

  private void handle(SelectionKey k) {
    Conn c = (Conn) k.attachment();
    if (!k.isValid()) {
      return;
    }
    try {
      if (k.isConnectable()) {
        c.channel.finishConnect();
        c.connected = true;
        connecting--;
        if (c.inFlight) {
          write(c);
        } else {
          k.interestOps(SelectionKey.OP_READ);
          if (open && !c.waiting) {
            idle.addLast(c);
          }
        }
        return;
      }
    } catch (IOException e) {
      if (open && !c.inFlight && !c.waiting && !pending.isEmpty()) {
        // The attempt was made for the oldest waiting arrival: it fails with the connection.
        Arrival a = pending.pollFirst();
        count(a.intended, plan.scenarios[a.scenario][0].endpoint, Failure.CONNECT);
      }
      fail(c, Failure.CONNECT, "connect to " + address + ": " + e.getMessage());
      return;
    }
    if (k.isWritable()) {
      write(c);
      return;
    }
    if (k.isReadable()) {
      read(c);
    }
  }

  private void read(Conn c) {
    try {
      while (true) {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        if (n < 0) {
          if (c.inFlight && c.parser.endsAtClose()) {
            c.parser.endOfStream();
            complete(c);
          } else if (c.inFlight) {
            fail(c, Failure.OTHER, "connection closed by the server before the response was complete");
          } else {
            // An idle keep-alive connection the server closed: simply forget it.
            discard(c);
          }
          return;
        }
        if (n == 0) {
          return;
        }
        readBuffer.flip();
        if (!c.inFlight) {
          fail(c, Failure.OTHER, "unsolicited bytes from the server on an idle connection");
          return;
        }
        if (c.parser.feed(readBuffer)) {
          complete(c);
          return;
        }
      }
    } catch (ResponseParser.MalformedResponseException e) {
      fail(c, Failure.OTHER, "malformed response: " + e.getMessage());
    } catch (IOException e) {
      fail(c, Failure.OTHER, "read: " + e.getMessage());
    }
  }

  private void complete(Conn c) {
    long now = System.nanoTime();
    CompiledPlan.Step step = plan.scenarios[c.scenario][c.step];
    c.inFlight = false;
    control.responded();
    if (c.intended >= warmupEnd && (open || now <= end)) {
      plan.endpoints[step.endpoint].recordResponse(now - c.intended, step.expect.accepts(c.parser.status()));
      if (now <= end) {
        inWindow++;
      }
    }
    boolean reuse = !c.parser.closeAfter();
    if (!reuse) {
      discard(c);
    }
    boolean more = c.step + 1 < plan.scenarios[c.scenario].length;
    if (!more && open) {
      if (reuse) {
        idle.addLast(c);
      }
      return;
    }
    Conn next = reuse ? c : newConn();
    if (next == null) {
      return;
    }
    if (more) {
      next.scenario = c.scenario;
      next.step = c.step + 1;
    } else {
      next.scenario = nextScenario();
      next.step = 0;
    }
    if (step.thinkNanos > 0) {
      setWaiting(next, true);
      next.readyAt = now + step.thinkNanos;
    } else {
      send(next, now);
    }
  }

  /** Sends for connections whose think time or backoff has passed; returns when the next one is due. */
  private long resumeWaiting(long now) {
    long next = ArrivalSchedule.END;
    if (waitingCount == 0) {
      return next;
    }
    for (int i = 0; i < conns.size(); i++) {
      Conn c = conns.get(i);
      if (!c.waiting) {
        continue;
      }
      if (c.readyAt <= now) {
        if (c.scenario < 0) {
          setWaiting(c, false);
          beginScenario(c, now);
        } else {
          send(c, c.readyAt);
        }
      } else {
        next = Math.min(next, c.readyAt);
      }
    }
    return next;
  }

  private void expire(long now) {
    while (!pending.isEmpty() && now - pending.peekFirst().intended > timeoutNanos) {
      Arrival a = pending.pollFirst();
      count(a.intended, plan.scenarios[a.scenario][0].endpoint, Failure.TIMEOUT);
      control.failure("no connection free within the timeout");
    }
    for (int i = conns.size() - 1; i >= 0; i--) {
      Conn c = conns.get(i);
      if (c.inFlight && now - c.intended > timeoutNanos) {
        fail(c, Failure.TIMEOUT, "no response within " + timeoutNanos / 1_000_000 + " ms");
      }
    }
  }

  private void fail(Conn c, Failure cause, String message) {
    if (c.inFlight) {
      count(c.intended, plan.scenarios[c.scenario][c.step].endpoint, cause);
    }
    control.failure(message);
    boolean wasActive = c.inFlight || c.waiting;
    c.inFlight = false;
    setWaiting(c, false);
    discard(c);
    if (!open && wasActive && !control.aborted()) {
      // The virtual user carries on with a fresh connection after a short backoff, so a dead server is not hammered.
      Conn fresh = newConn();
      if (fresh != null) {
        fresh.scenario = -1;
        setWaiting(fresh, true);
        fresh.readyAt = System.nanoTime() + (cause == Failure.CONNECT ? RECONNECT_BACKOFF_NANOS : 0);
      }
    }
  }

  private void count(long intended, int endpoint, Failure cause) {
    if (intended < warmupEnd || (!open && System.nanoTime() > end)) {
      return;
    }
    EndpointStats e = plan.endpoints[endpoint];
    switch (cause) {
      case TIMEOUT -> e.timeout.increment();
      case CONNECT -> e.connect.increment();
      case OTHER -> e.other.increment();
      default -> throw new IllegalStateException();
    }
  }

  private void discard(Conn c) {
    if (!c.connected && conns.contains(c)) {
      connecting--;
    }
    setWaiting(c, false);
    conns.remove(c);
    idle.remove(c);
    closeQuietly(c);
  }

  private void closeQuietly(Conn c) {
    try {
      if (c.key != null) {
        c.key.cancel();
      }
      c.channel.close();
    } catch (IOException ignored) {
      // nothing to do about a failing close
    }
    control.connectionClosed();
  }
}
