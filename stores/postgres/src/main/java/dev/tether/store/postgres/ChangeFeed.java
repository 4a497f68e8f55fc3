package dev.tether.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The receiving end of the change feed: one dedicated connection that {@code LISTEN}s on the
 * store's channel, on a daemon thread of its own. The connection is checked with a {@code SELECT 1}
 * every heartbeat, and waits at most {@link #NETWORK_TIMEOUT} for any answer; when it fails the feed
 * reports itself down, asks whatever waits to re-check (at once, then at most once per re-check
 * interval while it stays down), reconnects with a backoff and, once listening again, reports
 * itself up (the store then re-checks whatever waits, since notifications sent meanwhile are lost).
 * A slow periodic re-check covers a notification lost any other way. Thread-safe.
 */
final class ChangeFeed implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());
  private static final int POLL_MILLIS = 250;
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);
  /**
   * How long the listening connection may wait for any answer. A connection a NAT or firewall
   * forgot (no FIN, no RST) answers nothing, and without a bound the heartbeat would wait for the
   * operating system's TCP timeout, some 15 minutes, with the feed still counted up.
   */
  static final Duration NETWORK_TIMEOUT = HEARTBEAT.multipliedBy(2);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** What the feed tells the store. */
  interface Sink {
    /** A notification's payload. */
    void notice(String payload);

    /** Listening (again): whatever arrived while down is lost. */
    void up();

    /** Not listening: no notification will arrive until {@link #up}. */
    void down();

    /** Time for the slow periodic re-check. */
    void resynchronize();
  }

  private final DataSource dataSource;
  private final String channel;
  private final Sink sink;
  private final long resyncNanos;
  private final Thread thread;
  private final Object wake = new Object();
  private volatile boolean closed;
  private volatile boolean up;
  private volatile Connection connection;
  /** When the feed last asked waiters to re-check while down (System.nanoTime), or 0. */
  private long lastResyncWhileDown;

  ChangeFeed(DataSource dataSource, String channel, Sink sink, Duration resyncInterval, String threadName) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.sink = sink;
    this.resyncNanos = resyncInterval.toNanos();
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the listening connection is up now. */
  boolean isUp() {
    return up;
  }

  /**
   * Drops the listening connection as a network failure would; the feed reconnects. For tests and
   * for hosts that know the connection went stale.
   */
  void dropConnection() {
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "Aborting the change feed's connection failed", e);
      }
    }
  }

  private void run() {
    long backoffMillis = 50;
    while (!closed) {
      Connection c = null;
      try {
        c = dataSource.getConnection();
        connection = c;
        c.setNetworkTimeout(Runnable::run, (int) NETWORK_TIMEOUT.toMillis());
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN \"" + channel + "\"");
          backoffMillis = 50;
          sink.up();
          up = true; // after the re-check: whoever sees the feed up sees it done
          lastResyncWhileDown = 0;
          long lastBeat = System.nanoTime();
          long lastResync = lastBeat;
          while (!closed) {
            PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
            if (notes != null) {
              for (PGNotification n : notes) {
                deliver(n.getParameter());
              }
            }
            long now = System.nanoTime();
            if (now - lastBeat >= HEARTBEAT.toNanos()) {
              s.execute("SELECT 1");
              lastBeat = now;
            }
            if (now - lastResync >= resyncNanos) {
              lastResync = now;
              sink.resynchronize();
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, () -> "Tether's change feed lost its PostgreSQL connection ("
              + e.getClass().getSimpleName() + ": " + Jdbc.sanitize(e.getMessage()) + "); reconnecting");
        }
      } finally {
        connection = null;
        up = false;
        sink.down();
        if (c != null) {
          try {
            c.setNetworkTimeout(Runnable::run, 0); // a pool that does not reset it lends it on unbounded
          } catch (SQLException | RuntimeException e) {
            // broken: closed below
          }
          try {
            c.close();
          } catch (SQLException | RuntimeException e) {
            // already broken
          }
        }
      }
      if (!closed) {
        // Down, nothing arrives: waiters look for themselves, as they would after a lost notice.
        resynchronizeWhileDown();
        pause(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
      }
    }
  }

  /** At the first failure, then at most once per re-check interval while the feed stays down. */
  private void resynchronizeWhileDown() {
    long now = System.nanoTime();
    if (lastResyncWhileDown != 0 && now - lastResyncWhileDown < resyncNanos) {
      return;
    }
    lastResyncWhileDown = now;
    try {
      sink.resynchronize();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "A re-check while the change feed is down failed", e);
    }
  }

  private void deliver(String payload) {
    try {
      sink.notice(payload);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "A change-feed notice could not be handled ("
          + e.getClass().getName() + "); re-checking instead", e);
      sink.resynchronize();
    }
  }

  private void pause(long millis) {
    synchronized (wake) {
      if (!closed) {
        try {
          wake.wait(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
      }
    }
  }

  /** Stops listening and waits (briefly) for the thread to end. */
  @Override
  public void close() {
    close(() -> false);
  }

  /**
   * Stops listening: {@code wakeUp} sends a notification that ends the thread's wait cleanly (it
   * returns false when it could not); otherwise the connection is aborted.
   */
  void close(java.util.function.BooleanSupplier wakeUp) {
    closed = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    if (!up || !wakeUp.getAsBoolean()) {
      dropConnection();
    }
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
