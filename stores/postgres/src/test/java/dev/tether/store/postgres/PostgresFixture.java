package dev.tether.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A fresh schema on the JVM's test PostgreSQL, and every pool and store a test opens on it, closed
 * (and the schema dropped) by {@link #close()}. Stores opened from one fixture share their backing,
 * as application nodes on one database do. A later {@code PostgresConnectionStoreContractTest
 * extends ConnectionStoreContract} can create one fixture per test and hand out {@link #store()}.
 */
final class PostgresFixture implements AutoCloseable {
  static final String KEY_ID = "test-2026";
  static final byte[] KEY = key(1);

  private static final SecureRandom RANDOM = new SecureRandom();
  final EmbeddedPostgresServer server = EmbeddedPostgresServer.get();
  final String schema = "t_" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36).toLowerCase(Locale.ROOT);
  private final List<AutoCloseable> opened = new ArrayList<>();

  /** A deterministic 32-byte test key. */
  static byte[] key(int seed) {
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (seed * 31 + i);
    }
    return k;
  }

  /** A pooled data source on the test database (closed with the fixture). */
  HikariDataSource pool(int max) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(server.dataSource());
    config.setMaximumPoolSize(max);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(30_000);
    config.setPoolName("test-" + schema + "-" + opened.size());
    HikariDataSource ds = new HikariDataSource(config);
    opened.add(ds);
    return ds;
  }

  /** A builder on a new pool of 16, this fixture's schema and key. */
  PostgresConnectionStore.Builder builder() {
    return builder(pool(16));
  }

  PostgresConnectionStore.Builder builder(DataSource ds) {
    return PostgresConnectionStore.builder(ds).schema(schema).encryptionKey(KEY_ID, KEY);
  }

  /** A store on this fixture's backing, closed with the fixture. */
  PostgresConnectionStore store() {
    return track(builder().build());
  }

  <T extends AutoCloseable> T track(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  /** Runs SQL as the superuser, outside any store. */
  void sql(String sql) {
    try (Connection c = server.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row of a query run as the superuser. */
  String queryString(String sql) {
    try (Connection c = server.dataSource().getConnection(); Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws Exception {
    // Stores first (they hold the feed's connection), then pools.
    for (int i = opened.size() - 1; i >= 0; i--) {
      if (opened.get(i) instanceof PostgresConnectionStore) {
        opened.get(i).close();
      }
    }
    for (int i = opened.size() - 1; i >= 0; i--) {
      if (!(opened.get(i) instanceof PostgresConnectionStore)) {
        opened.get(i).close();
      }
    }
    sql("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
  }
}
