package dev.tether.store.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A data source that holds one chosen thread when it gives its connection back: the statement has
 * run (and, in auto-commit, committed), but the store has not yet returned from the call. A test
 * then makes another node's change land in between, as a slow thread on a busy machine would see.
 */
final class PausingDataSource {
  private static final long BUDGET_SECONDS = 10;
  private final DataSource target;
  private volatile Thread paused;
  private final CountDownLatch arrived = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  PausingDataSource(DataSource target) {
    this.target = target;
  }

  /** The data source to build the store on. */
  DataSource dataSource() {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = invoke(target, method, args);
          return result instanceof Connection ? connection((Connection) result) : result;
        });
  }

  /** Holds the calling thread when it next gives a connection back, until {@link #release()}. */
  void pauseThisThread() {
    paused = Thread.currentThread();
  }

  /** Waits until the paused thread's statement has run and it is held. */
  boolean awaitPaused() throws InterruptedException {
    return arrived.await(BUDGET_SECONDS, TimeUnit.SECONDS);
  }

  void release() {
    release.countDown();
  }

  private Connection connection(Connection c) {
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close") && Thread.currentThread() == paused) {
            paused = null;
            arrived.countDown();
            if (!release.await(BUDGET_SECONDS, TimeUnit.SECONDS)) {
              throw new IllegalStateException("the test never released the paused thread");
            }
          }
          return invoke(c, method, args);
        });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
