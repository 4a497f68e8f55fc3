package dev.tether.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema's versioned SQL migrations ({@code migration/V1__tether_initial.sql}, …, shipped in the
 * jar) and the code that applies them: under a transaction-scoped advisory lock, so nodes starting
 * together migrate once, each version in the same transaction that records it in {@code
 * tether_schema_version}. A schema newer than this code is refused rather than used. Thread-safe
 * (stateless).
 */
final class Migrations {
  /** Every migration in order; the last is the version this code reads and writes. */
  static final List<String> SCRIPTS = List.of("V1__tether_initial.sql");
  static final int LATEST = SCRIPTS.size();

  private Migrations() {}

  /**
   * Brings {@code schema} to {@link #LATEST}, creating it when absent. A schema already there is
   * only read: an application user with row rights alone can start a node (PostgreSQL checks the
   * right to create a schema even for {@code CREATE SCHEMA IF NOT EXISTS} on one that exists).
   */
  static void migrate(Jdbc db, String schema) {
    int found = db.call("read the version of schema '" + schema + "'", c -> version(c, schema));
    refuseNewer(schema, found);
    if (found == LATEST) {
      return;
    }
    try {
      migrateLocked(db, schema);
    } catch (PostgresStoreException e) {
      if (!"42501".equals(e.sqlState())) {
        throw e;
      }
      throw new IllegalStateException("Tether's schema '" + schema + "' is at version " + found + " and needs "
          + "version " + LATEST + ", but this database user may not create or change it (SQL state 42501): "
          + "apply the migrations once with a user that may: start one node with it, or create the schema "
          + "and run the scripts in tether-store-postgres's jar (dev/tether/store/postgres/migration/) with "
          + "search_path set to it. Nodes then start with this user as they are", e);
    }
  }

  private static void migrateLocked(Jdbc db, String schema) {
    db.transaction("migrate schema '" + schema + "'", c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?)::bigint)")) {
        lock.setString(1, "tether_schema:" + schema);
        lock.execute();
      }
      // Read again under the lock: a node that migrated meanwhile leaves nothing to do, and a user
      // with row rights alone must not reach CREATE SCHEMA (checked even when the schema exists).
      int current = version(c, schema);
      refuseNewer(schema, current);
      if (current < LATEST) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
        }
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL search_path TO " + quote(schema));
          for (int v = current + 1; v <= LATEST; v++) {
            s.execute(script(SCRIPTS.get(v - 1)));
          }
        }
      }
      return null;
    });
  }

  /** Checks, without changing anything, that {@code schema} is at {@link #LATEST}. */
  static void check(Jdbc db, String schema) {
    int current = db.call("read the version of schema '" + schema + "'", c -> version(c, schema));
    refuseNewer(schema, current);
    if (current < LATEST) {
      throw new IllegalStateException("Tether's schema '" + schema + "' is at version " + current + ", but this "
          + "code needs version " + LATEST + "; apply the migrations in tether-store-postgres's jar "
          + "(dev/tether/store/postgres/migration/) or build the store with migrate(true)");
    }
  }

  private static void refuseNewer(String schema, int current) {
    if (current > LATEST) {
      throw new IllegalStateException("Tether's schema '" + schema + "' is at version " + current + ", newer than "
          + "version " + LATEST + " that this tether-store-postgres understands; upgrade Tether on this node "
          + "rather than run old code against a newer schema");
    }
  }

  /** The schema's version: 0 when it has no version table (never migrated). */
  static int version(Connection c, String schema) throws SQLException {
    // The catalog itself, read with this statement's snapshot: to_regclass answers from the
    // session's catalog cache, which after waiting on the advisory lock may not yet know of a table
    // another node created meanwhile.
    try (PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class t "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
        + "WHERE n.nspname = ? AND t.relname = 'tether_schema_version')")) {
      s.setString(1, schema);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        if (!r.getBoolean(1)) {
          return 0;
        }
      }
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + quote(schema)
            + ".tether_schema_version")) {
      r.next();
      return r.getInt(1);
    }
  }

  static String script(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream("migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException("Migration " + name + " is missing from tether-store-postgres's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read migration " + name, e);
    }
  }

  /** A schema name checked by the builder ({@code [a-z_][a-z0-9_]*}), quoted so a keyword works too. */
  static String quote(String schema) {
    return '"' + schema + '"';
  }
}
