package dev.tether.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Borrows a connection from the host's {@link DataSource} for one unit of work and gives it back,
 * translating every {@link SQLException} into a {@link PostgresStoreException} that says whether to
 * retry. Each store operation is one statement in auto-commit (atomic on its own), or an explicit
 * transaction for the few that need several; no connection is held between operations.
 * Thread-safe.
 */
final class Jdbc {
  /** Driver and pool messages never carry a password, but a URL echoed back might: cut it out. */
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password\\s*[=:]\\s*)[^&;\\s,)]*");

  /** One unit of work on a borrowed connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;
  private final String where;

  Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
    this.where = describe(dataSource);
  }

  DataSource dataSource() {
    return dataSource;
  }

  /** Where the data source points, for messages: host, port and database when the driver says, never a password. */
  String where() {
    return where;
  }

  /** Runs {@code work} in auto-commit mode. */
  <T> T call(String operation, Work<T> work) {
    Connection c = borrow(operation);
    try (c) {
      boolean autoCommit = c.getAutoCommit();
      if (!autoCommit) {
        c.setAutoCommit(true);
      }
      try {
        return work.run(c);
      } finally {
        if (!autoCommit) {
          c.setAutoCommit(false);
        }
      }
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  <T> T transaction(String operation, Work<T> work) {
    Connection c = borrow(operation);
    try (c) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  private Connection borrow(String operation) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  PostgresStoreException failure(String operation, SQLException e) {
    boolean retryable = isRetryable(e);
    String state = e.getSQLState();
    return new PostgresStoreException("Tether's PostgreSQL store could not " + operation + " (" + where
        + (state == null ? "" : ", SQL state " + state) + "): " + sanitize(e.getMessage())
        + (retryable ? "; retry once the database is reachable again" : ""), state, retryable, e);
  }

  static boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
            || state.equals("40001") || state.equals("40P01"))) {
          return true;
        }
      }
    }
    return false;
  }

  static String sanitize(String message) {
    return message == null ? "(no message)" : PASSWORD.matcher(message).replaceAll("$1****");
  }

  private static String describe(DataSource ds) {
    try {
      if (ds.isWrapperFor(org.postgresql.ds.common.BaseDataSource.class)) {
        org.postgresql.ds.common.BaseDataSource pg = ds.unwrap(org.postgresql.ds.common.BaseDataSource.class);
        String[] hosts = pg.getServerNames();
        int[] ports = pg.getPortNumbers();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
          b.append(i == 0 ? "" : ",").append(hosts[i]);
          int port = ports != null && ports.length > i ? ports[i] : 0;
          b.append(':').append(port == 0 ? 5432 : port);
        }
        return "PostgreSQL at " + b + "/" + pg.getDatabaseName();
      }
    } catch (SQLException | RuntimeException e) {
      // fall through: describe it by type
    }
    return "PostgreSQL through " + ds.getClass().getName();
  }
}
