package dev.tether.core;

import dev.tether.core.ConnectionCheck.Source;
import dev.tether.core.ConnectionCheck.Status;
import dev.tether.core.ConnectionCheck.ToolkitStatus;
import dev.tether.core.ToolkitConnections.ConnectionState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine's side of {@link ConnectionCheckRecorder}: times each check, turns its answer into a
 * {@link ConnectionCheck} and calls the recorder through one guard. With the disabled recorder
 * every method returns at once, without reading the time or building anything, so an engine
 * without metrics pays one branch per check. Thread-safe.
 */
final class ConnectionChecks {
  private static final System.Logger LOG = System.getLogger(ConnectionChecks.class.getName());

  private final ConnectionCheckRecorder recorder; // null when disabled
  private final ProviderRegistry registry;
  private final AtomicBoolean warned = new AtomicBoolean();

  ConnectionChecks(ConnectionCheckRecorder recorder, ProviderRegistry registry) {
    this.recorder = recorder == ConnectionCheckRecorder.disabled() ? null : recorder;
    this.registry = registry;
  }

  /** Whether a recorder listens; callers build what they record only then. */
  boolean enabled() {
    return recorder != null;
  }

  /** A check's start time, or 0 when nothing records. */
  long start() {
    return recorder == null ? 0L : System.nanoTime();
  }

  void refused(Source source, long start) {
    if (recorder != null) {
      record(ConnectionCheck.refusal(source), start);
    }
  }

  /** The outcome of the manage meta-tool, typed or through JSON. */
  void managed(Source source, Collection<ManageConnectionsResult.ToolkitResult> results, long start) {
    if (recorder == null) {
      return;
    }
    List<ToolkitStatus> toolkits = new ArrayList<>(results.size());
    int unknown = 0;
    for (ManageConnectionsResult.ToolkitResult r : results) {
      if (registry.find(r.toolkit()).isEmpty()) {
        unknown++;
      } else {
        toolkits.add(new ToolkitStatus(r.toolkit(), switch (r.status()) {
          case ACTIVE -> Status.ACTIVE;
          case INITIATED -> Status.INITIATED;
          case FAILED -> Status.FAILED;
        }));
      }
    }
    record(new ConnectionCheck(source, false, toolkits, unknown), start);
  }

  /**
   * States by requested slug, as the wait meta-tool reports them: empty for a toolkit that is
   * unknown or not enabled in the session.
   */
  void waited(Map<String, Optional<ConnectionState>> states, long start) {
    if (recorder == null) {
      return;
    }
    List<ToolkitStatus> toolkits = new ArrayList<>(states.size());
    int unknown = 0;
    for (Map.Entry<String, Optional<ConnectionState>> e : states.entrySet()) {
      if (e.getValue().isPresent()) {
        toolkits.add(new ToolkitStatus(e.getKey(), status(e.getValue().get())));
      } else if (registry.find(e.getKey()).isEmpty()) {
        unknown++;
      } else {
        toolkits.add(new ToolkitStatus(e.getKey(), Status.FAILED)); // served, but not in this session
      }
    }
    record(new ConnectionCheck(Source.WAIT_FOR_CONNECTIONS, false, toolkits, unknown), start);
  }

  /** Toolkits the search returned, each once, first seen first. */
  void searched(Map<String, ConnectionState> states, long start) {
    if (recorder == null) {
      return;
    }
    List<ToolkitStatus> toolkits = new ArrayList<>(states.size());
    states.forEach((slug, state) -> toolkits.add(new ToolkitStatus(slug, status(state))));
    record(new ConnectionCheck(Source.SEARCH_TOOLS, false, toolkits, 0), start);
  }

  static Status status(ConnectionState state) {
    return switch (state.status()) {
      case "active" -> Status.ACTIVE;
      case "initiated" -> Status.INITIATED;
      case "not_connected" -> Status.NOT_CONNECTED;
      case "inactive" -> Status.INACTIVE;
      case "expired" -> Status.EXPIRED;
      default -> Status.FAILED;
    };
  }

  private void record(ConnectionCheck check, long start) {
    long elapsed = System.nanoTime() - start;
    try {
      recorder.recordCheck(check, elapsed);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      // Once: a broken recorder would otherwise log on every check, the engine's busiest path.
      if (warned.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, () -> "Connection check recorder " + recorder.getClass().getName()
            + " threw " + t.getClass().getName() + " on a " + check.source() + " check; the check's answer is "
            + "unaffected, and later failures of this recorder are not logged", t);
      }
    }
  }

  @Override
  public String toString() {
    return "ConnectionChecks[" + (recorder == null ? "disabled" : recorder.getClass().getName()) + "]";
  }
}
