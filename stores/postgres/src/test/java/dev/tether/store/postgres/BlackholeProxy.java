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

/**
 * A TCP proxy on loopback that, once {@link #blackhole()} is called, silently stops forwarding
 * anything on the connections that issued {@code LISTEN} — without closing them, as a NAT or
 * firewall that forgets an idle connection does (no FIN, no RST: the client waits for an answer).
 */
final class BlackholeProxy implements AutoCloseable {
  private static final byte[] LISTEN = "LISTEN".getBytes(StandardCharsets.UTF_8);
  private final ServerSocket listening;
  private final int upstreamPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean blackholed;
  /** Counted down when the first bytes from a listening client are swallowed (its heartbeat query). */
  final CountDownLatch swallowedFromClient = new CountDownLatch(1);

  BlackholeProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "blackhole-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listening.getLocalPort();
  }

  void blackhole() {
    blackholed = true;
  }

  private void accept() {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        open.add(client);
        open.add(server);
        boolean[] listener = {false};
        pump(client, server, true, listener);
        pump(server, client, false, listener);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient, boolean[] listener) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (fromClient && contains(buf, n, LISTEN)) {
            synchronized (listener) {
              listener[0] = true;
            }
          }
          boolean isListener;
          synchronized (listener) {
            isListener = listener[0];
          }
          if (blackholed && isListener) {
            if (fromClient) {
              swallowedFromClient.countDown();
            }
            closed.await(); // swallow this and everything after, keep the sockets open
            return;
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        close(from);
        close(to);
      }
    }, "blackhole-proxy-pump");
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
    closed.countDown();
    listening.close();
    for (Socket s : open) {
      close(s);
    }
  }
}
