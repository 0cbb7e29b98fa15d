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
 *
 * <p>The generator keeps its own account apart from the server's: an arrival that waits because the pool is at its
 * cap is counted as queued, and one still waiting when its timeout expires is {@code notSent} (generator-limited),
 * never a server timeout; a request that was sent times out {@code timeout} after it was sent, so time spent in the
 * generator's queue is never blamed on the server (it still counts in the latency, which runs from the intended
 * time). Only the server's failures (connect, timeout, broken or malformed responses) tell the monitor that the
 * target may have stopped answering.
 */
final class EventLoop implements Runnable {
  private static final long TIMEOUT_SCAN_NANOS = 10_000_000L;
  private static final long RECONNECT_BACKOFF_NANOS = 10_000_000L;
  private static final long MAX_PARK_NANOS = 100_000L;

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
  /** Measured arrivals that had to wait because the pool was at its cap (open model). */
  long queued;
  /** Measured arrivals never sent: still waiting for a connection when their timeout expired (generator-limited). */
  long notSent;
  /** Most arrivals waiting at once while the pool was at its cap. */
  int maxQueue;
  private final java.util.SplittableRandom random;
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

  private record Arrival(int scenario, long intended, long seq, boolean measured) {}

  /** Sequence number of the newest arrival added to {@code pending}. */
  private long arrivalSeq;
  /** Arrivals up to this sequence number found the pool at its cap while they waited. */
  private long cappedThrough = -1;

  /** A connection and the virtual user currently driving it. */
  private final class Conn {
    SocketChannel channel;
    SelectionKey key;
    final ResponseParser parser = new ResponseParser();
    boolean connected;
    ByteBuffer out;
    /** The virtual user driving this connection (null: none yet), and the request it is on. */
    CompiledPlan.Vu vu;
    CompiledPlan.Step step;
    long intended;
    /** When the current request was handed to the connection: its timeout runs from here. */
    long sentAt;
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
    this.random = new java.util.SplittableRandom(0x5eedL * 31 + index);
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
        boolean measured = nextArrivalAt >= warmupEnd;
        if (measured) {
          plan.vusersCreated.increment();
        }
        pending.add(new Arrival(nextScenario(), nextArrivalAt, ++arrivalSeq, measured));
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
        // Selectors time out in whole milliseconds; for shorter waits poll, parking at most 100 µs at a time so a
        // response that arrives meanwhile is not left waiting (which would inflate its latency) for long.
        ready = selector.selectNow();
        if (ready == 0 && wait > 0) {
          LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
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
        if (conns.size() >= maxConnections) {
          // The pool is at its cap: every arrival waiting now waits for the generator, not for the server.
          cappedThrough = arrivalSeq;
          maxQueue = Math.max(maxQueue, pending.size());
          return;
        }
        if (connecting >= pending.size()) {
          return;
        }
        Conn fresh = newConn();
        if (fresh != null && fresh.connected) {
          idle.addLast(fresh);
        } else if (fresh == null) {
          Arrival a = pending.poll();
          CompiledPlan.Vu vu = arrivalVu(a);
          CompiledPlan.Step first = plan.next(vu);
          count(a.intended, first.endpoint, Failure.CONNECT);
          endVu(vu, false);
        }
        continue;
      }
      Arrival a = pending.poll();
      if (a.seq <= cappedThrough && a.measured) {
        queued++;
      }
      c.vu = arrivalVu(a);
      startFlow(c, a.intended);
    }
  }

  private CompiledPlan.Vu arrivalVu(Arrival a) {
    CompiledPlan.Vu vu = plan.newVu(a.scenario, random);
    vu.counted = a.measured;
    return vu;
  }

  /** Starts a virtual user's flow on {@code c}: its first request at {@code intended} plus any leading pause. */
  private void startFlow(Conn c, long intended) {
    CompiledPlan.Vu vu = c.vu;
    vu.delay = 0;
    CompiledPlan.Step first = plan.next(vu);
    c.step = first;
    if (vu.delay > 0) {
      c.inFlight = false;
      setWaiting(c, true);
      c.readyAt = intended + vu.delay;
    } else {
      send(c, intended);
    }
  }

  private void beginScenario(Conn c, long intended) {
    c.vu = plan.newVu(nextScenario(), random);
    if (intended >= warmupEnd && intended < end) {
      c.vu.counted = true;
      plan.vusersCreated.increment();
    }
    startFlow(c, intended);
  }

  /** A virtual user's flow is over: completed, or cut short by a failure. */
  private void endVu(CompiledPlan.Vu vu, boolean completed) {
    if (vu != null && vu.counted) {
      vu.counted = false;
      (completed ? plan.vusersCompleted : plan.vusersFailed).increment();
    }
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
    CompiledPlan.Step step = c.step;
    c.intended = intended;
    setWaiting(c, false);
    byte[] bytes;
    try {
      bytes = plan.render(step, c.vu, random);
    } catch (IllegalArgumentException e) {
      // a templated URL that points away from the target: never sent anywhere, the flow ends with an error
      c.inFlight = false;
      count(intended, step.endpoint, Failure.OTHER);
      control.failure(e.getMessage());
      endVu(c.vu, false);
      c.vu = null;
      afterFlow(c, System.nanoTime(), 0);
      return;
    }
    c.inFlight = true;
    c.sentAt = System.nanoTime();
    c.parser.reset(step.head, step.keep);
    c.out = ByteBuffer.wrap(bytes);
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
        CompiledPlan.Vu vu = arrivalVu(a);
        count(a.intended, plan.next(vu).endpoint, Failure.CONNECT);
        endVu(vu, false);
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
    } catch (ResponseParser.Http2OnlyException e) {
      fail(c, Failure.OTHER, e.getMessage());
      // Every further request would get the same answer: stop and say why instead of counting errors.
      control.abort(e.getMessage());
    } catch (ResponseParser.MalformedResponseException e) {
      fail(c, Failure.OTHER, "malformed response: " + e.getMessage());
    } catch (IOException e) {
      fail(c, Failure.OTHER, "read: " + e.getMessage());
    }
  }

  private void complete(Conn c) {
    long now = System.nanoTime();
    CompiledPlan.Step step = c.step;
    CompiledPlan.Vu vu = c.vu;
    c.inFlight = false;
    control.responded();
    int status = c.parser.status();
    boolean failedCapture = false;
    EndpointStats.Outcome outcome;
    if (vu.vars == null) {
      outcome = step.expect.accepts(status) ? EndpointStats.Outcome.OK : EndpointStats.Outcome.STATUS;
    } else {
      outcome = judge(c, step, status);
      for (Capture cap : step.spec.captures()) {
        var v = cap.extract(c.parser.headers(), c.parser.body());
        if (v != null) {
          vu.vars.put(cap.as(), v);
        } else if (cap.strict()) {
          failedCapture = true;
        }
      }
      if (failedCapture && outcome == EndpointStats.Outcome.OK) {
        outcome = EndpointStats.Outcome.CHECK;
      }
    }
    if (c.intended >= warmupEnd && (open || now <= end)) {
      plan.endpoints[step.endpoint].recordResponse(now - c.intended, status, outcome);
      if (now <= end) {
        inWindow++;
      }
    }
    if (failedCapture) {
      control.failure("capture failed on " + step.spec.name());
    }
    boolean reuse = !c.parser.closeAfter();
    if (!reuse) {
      discard(c);
    }
    Conn next = c;
    CompiledPlan.Step following = null;
    vu.delay = 0;
    if (!failedCapture) {
      vu.pc++;
      following = plan.next(vu);
    }
    if (following == null) {
      endVu(vu, !failedCapture);
      c.vu = null;
      if (open) {
        if (reuse) {
          idle.addLast(c);
        }
        return;
      }
      if (!reuse) {
        next = newConn();
        if (next == null) {
          return;
        }
      }
      afterFlow(next, now, vu.delay);
      return;
    }
    if (!reuse) {
      next = newConn();
      if (next == null) {
        endVu(vu, false);
        return;
      }
    }
    next.vu = vu;
    next.step = following;
    if (vu.delay > 0) {
      setWaiting(next, true);
      next.readyAt = now + vu.delay;
    } else {
      send(next, now);
    }
  }

  /** Status and expect checks of a stateful flow's response. */
  private EndpointStats.Outcome judge(Conn c, CompiledPlan.Step step, int status) {
    boolean statusOk = true;
    if (step.statusChecks.isEmpty()) {
      statusOk = step.expect.accepts(status);
    } else {
      for (Check k : step.statusChecks) {
        statusOk &= k.test(status, c.parser.headers(), c.parser.body(), c.vu.vars, random);
      }
    }
    if (!statusOk) {
      return EndpointStats.Outcome.STATUS;
    }
    for (Check k : step.otherChecks) {
      if (!k.test(status, c.parser.headers(), c.parser.body(), c.vu.vars, random)) {
        control.failure("expect " + k + " failed on " + step.spec.name());
        return EndpointStats.Outcome.CHECK;
      }
    }
    return EndpointStats.Outcome.OK;
  }

  /**
   * A flow ended on {@code c} (closed model: the virtual user starts its next iteration after {@code pause}; open
   * model: the connection goes back to the pool).
   */
  private void afterFlow(Conn c, long now, long pause) {
    if (open) {
      if (conns.contains(c) && c.connected) {
        idle.addLast(c);
      }
      return;
    }
    c.vu = null;
    if (pause > 0) {
      setWaiting(c, true);
      c.readyAt = now + pause;
    } else {
      beginScenario(c, now);
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
        if (c.vu == null) {
          setWaiting(c, false);
          beginScenario(c, c.readyAt);
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
      CompiledPlan.Vu vu = arrivalVu(a);
      int endpoint = plan.next(vu).endpoint;
      if (a.seq <= cappedThrough) {
        // The pool was full the whole time: the generator's limit, not the server's answer.
        if (a.measured) {
          queued++;
          notSent++;
        }
        count(a.intended, endpoint, Failure.NOT_SENT);
        control.generatorLimited();
      } else {
        // Connections were being opened for it and none completed in time: the server's side.
        count(a.intended, endpoint, Failure.TIMEOUT);
        control.failure("no connection could be opened within the timeout");
      }
      endVu(vu, false);
    }
    for (int i = conns.size() - 1; i >= 0; i--) {
      Conn c = conns.get(i);
      if (c.inFlight && now - c.sentAt > timeoutNanos) {
        fail(c, Failure.TIMEOUT, "no response within " + timeoutNanos / 1_000_000 + " ms of sending");
      }
    }
  }

  private void fail(Conn c, Failure cause, String message) {
    if (c.inFlight) {
      count(c.intended, c.step.endpoint, cause);
    }
    control.failure(message);
    boolean wasActive = c.inFlight || c.waiting;
    if (wasActive) {
      endVu(c.vu, false);
    }
    c.vu = null;
    c.inFlight = false;
    setWaiting(c, false);
    discard(c);
    if (!open && wasActive && !control.aborted()) {
      // The virtual user carries on with a fresh connection after a short backoff, so a dead server is not hammered.
      Conn fresh = newConn();
      if (fresh != null) {
        fresh.vu = null;
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
      case NOT_SENT -> e.notSent.increment();
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
