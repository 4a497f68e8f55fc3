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
 * A TCP proxy on loopback that drops only the one connection that sends a statement containing a
 * text (before the server sees it); every other and every later connection works: a network blip,
 * not an outage.
 */
final class BlipProxy implements AutoCloseable {
  private final ServerSocket listening;
  private final int upstreamPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicReference<byte[]> dropOnce =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();

  BlipProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "blip-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Connections dropped so far. */
  int drops() {
    return dropped.get();
  }

  int port() {
    return listening.getLocalPort();
  }

  void dropOnce(String text) {
    dropOnce.set(text.getBytes(StandardCharsets.UTF_8));
  }

  private void accept() {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        open.add(client);
        open.add(server);
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          if (fromClient) {
            byte[] p = dropOnce.get();
            if (p != null && contains(buf, n, p) && dropOnce.compareAndSet(p, null)) {
              dropped.incrementAndGet();
              close(from);
              close(to);
              return;
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
    }, "blip-proxy-pump");
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
    for (Socket s : open) {
      close(s);
    }
  }
}
