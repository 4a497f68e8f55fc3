package dev.tether.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The engine's listeners; each call into user code is guarded. Thread-safe. */
final class Listeners {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final CopyOnWriteArrayList<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

  Listeners(List<ConnectionListener> initial) {
    listeners.addAll(initial);
  }

  void add(ConnectionListener listener) {
    listeners.add(listener);
  }

  boolean remove(ConnectionListener listener) {
    return listeners.remove(listener);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }

  void publish(ConnectionEvent event) {
    for (ConnectionListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, () -> "Connection listener " + listener.getClass().getName()
            + " threw " + t.getClass().getName() + " on a " + event.type() + " event for "
            + event.accountId() + "; skipped it", t);
      }
    }
  }
}
