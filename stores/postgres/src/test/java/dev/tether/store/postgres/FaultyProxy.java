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

/**
 * A TCP proxy on loopback between the store and PostgreSQL that the test breaks on cue: {@link
 * #cut()} drops every connection and refuses new ones until {@link #restore()}; {@link
 * #cutBefore} drops them when the client sends a statement containing a text, before the server
 * sees it; {@link #cutAfter} lets the server run it and drops them before its answer arrives.
 */
final class FaultyProxy implements AutoCloseable {
  private final ServerSocket listening;
  private final int upstreamPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean down;
  private volatile byte[] cutBefore;
  private volatile byte[] cutAfter;

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
        boolean[] dropAnswer = {false};
        pump(client, server, true, dropAnswer);
        pump(server, client, false, dropAnswer);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient, boolean[] dropAnswer) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (fromClient) {
            byte[] before = cutBefore;
            if (before != null && contains(buf, n, before)) {
              cutBefore = null;
              cut();
              return;
            }
            byte[] after = cutAfter;
            if (after != null && contains(buf, n, after)) {
              cutAfter = null;
              synchronized (dropAnswer) {
                dropAnswer[0] = true;
              }
            }
          } else {
            synchronized (dropAnswer) {
              if (dropAnswer[0]) {
                cut(); // the server answered: it ran the statement; the client never hears
                return;
              }
            }
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
