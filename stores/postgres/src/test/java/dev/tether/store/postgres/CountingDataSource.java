package dev.tether.store.postgres;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Counts the statements executed through it: each is one round trip to the database in auto-commit. */
final class CountingDataSource implements DataSource {
  private final DataSource target;
  private final AtomicInteger statements = new AtomicInteger();
  private final java.util.List<String> sql = new java.util.concurrent.CopyOnWriteArrayList<>();

  CountingDataSource(DataSource target) {
    this.target = target;
  }

  int statements() {
    return statements.get();
  }

  void reset() {
    statements.set(0);
    sql.clear();
  }

  /** The statements prepared since the last reset, abbreviated. */
  java.util.List<String> sql() {
    return java.util.List.copyOf(sql);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(target.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return wrap(target.getConnection(user, password));
  }

  private Connection wrap(Connection c) {
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        handler(c, (proxy, result) -> {
          if (result instanceof PreparedStatement) {
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
                handler(result, null));
          }
          if (result instanceof Statement) {
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                handler(result, null));
          }
          return result;
        }));
  }

  private interface Wrapper {
    Object wrap(Object proxy, Object result);
  }

  private InvocationHandler handler(Object target, Wrapper wrapper) {
    return (proxy, method, args) -> {
      if (method.getName().startsWith("execute")) {
        statements.incrementAndGet();
      }
      if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String) {
        String text = (String) args[0];
        sql.add(text.length() > 90 ? text.substring(0, 90) + "…" : text);
      }
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      return wrapper == null ? result : wrapper.wrap(proxy, result);
    };
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return target.isWrapperFor(iface);
  }
}
