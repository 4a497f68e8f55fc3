package dev.tether.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback between the store and PostgreSQL that the test breaks on cue.
 *
 * <ul>
 *   <li>Outages: {@link #cut()} drops every connection and refuses new ones until {@link
 *       #restore()}; {@link #cutBefore} does so when the client sends a statement containing a
 *       text, before the server sees it; {@link #cutAfter} lets the server run it and does so
 *       before its answer arrives.
 *   <li>Blips, the database staying up: {@link #blipBefore} and {@link #blipAfter} drop only the
 *       one connection that sends the statement, before the server sees it or after it ran.
 *   <li>Silence: {@link #blackholeListeners()} stops forwarding anything on connections that issued
 *       {@code LISTEN}, without closing them, as a NAT or firewall that forgot them does.
 * </ul>
 */
final class FaultyProxy implements AutoCloseable {
  private static final byte[] LISTEN = "LISTEN".getBytes(StandardCharsets.UTF_8);
  private final ServerSocket listening;
  private final int upstreamPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean down;
  private volatile byte[] cutBefore;
  private volatile byte[] cutAfter;
  private final AtomicReference<byte[]> blipBefore = new AtomicReference<>();
  private final AtomicReference<byte[]> blipAfter = new AtomicReference<>();
  private final AtomicInteger blips = new AtomicInteger();
  private volatile boolean blackholeListeners;
  /** Counted down when bytes a listening client sent are first swallowed (its heartbeat). */
  final CountDownLatch swallowedFromListener = new CountDownLatch(1);

  FaultyProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "faulty-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listening.getLocalPort();
  }

  /** Drops every connection and refuses new ones. */
  void cut() {
    down = true;
    for (Socket s : open) {
      close(s);
    }
  }

  void restore() {
    cutBefore = null;
    cutAfter = null;
    down = false;
  }

  /** The next statement containing {@code text} never reaches the server; the database goes down. */
  void cutBefore(String text) {
    cutBefore = text.getBytes(StandardCharsets.UTF_8);
  }

  /** The next statement containing {@code text} runs; its answer is lost and the database goes down. */
  void cutAfter(String text) {
    cutAfter = text.getBytes(StandardCharsets.UTF_8);
  }

  /** The next statement containing {@code text} never reaches the server; only its connection drops. */
  void blipBefore(String text) {
    blipBefore.set(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next statement containing {@code text} runs; its answer is lost with its connection only. */
  void blipAfter(String text) {
    blipAfter.set(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Connections dropped by a blip so far. */
  int blips() {
    return blips.get();
  }

  /** From now on, nothing passes on connections that issued {@code LISTEN} (and they stay open). */
  void blackholeListeners() {
    blackholeListeners = true;
  }

  /** What the proxy knows of one client connection. */
  private static final class Pair {
    boolean listener;
    boolean dropAnswer;
    boolean outage;
  }

  private void accept() {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        if (down) {
          client.close();
          continue;
        }
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        open.add(client);
        open.add(server);
        Pair pair = new Pair();
        pump(client, server, true, pair);
        pump(server, client, false, pair);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient, Pair pair) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (!forward(buf, n, fromClient, pair)) {
            if (silenced(pair)) {
              continue;
            }
            return; // dropped: both sockets close below
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        close(from);
        close(to);
      }
    }, "faulty-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private boolean silenced(Pair pair) {
    synchronized (pair) {
      return blackholeListeners && pair.listener;
    }
  }

  /** Whether to pass these bytes on; false drops the connection, or swallows them when silenced. */
  private boolean forward(byte[] buf, int n, boolean fromClient, Pair pair) {
    synchronized (pair) {
      if (fromClient && contains(buf, n, LISTEN)) {
        pair.listener = true;
      }
      if (blackholeListeners && pair.listener) {
        if (fromClient) {
          swallowedFromListener.countDown();
        }
        return false;
      }
      if (!fromClient) {
        if (!pair.dropAnswer) {
          return true;
        }
        if (pair.outage) {
          cut(); // the server answered: it ran the statement; the client never hears
        } else {
          blips.incrementAndGet();
        }
        return false;
      }
      byte[] before = cutBefore;
      if (before != null && contains(buf, n, before)) {
        cutBefore = null;
        cut();
        return false;
      }
      byte[] after = cutAfter;
      if (after != null && contains(buf, n, after)) {
        cutAfter = null;
        pair.dropAnswer = true;
        pair.outage = true;
      }
      byte[] blip = blipBefore.get();
      if (blip != null && contains(buf, n, blip) && blipBefore.compareAndSet(blip, null)) {
        blips.incrementAndGet();
        return false;
      }
      blip = blipAfter.get();
      if (blip != null && contains(buf, n, blip) && blipAfter.compareAndSet(blip, null)) {
        pair.dropAnswer = true;
      }
      return true;
    }
  }

  private static boolean contains(byte[] buf, int n, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= n; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (buf[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listening.close();
    cut();
  }
}
