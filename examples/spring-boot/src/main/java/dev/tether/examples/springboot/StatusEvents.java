package dev.tether.examples.springboot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionListener;
import dev.tether.core.Session;
import dev.tether.core.ToolkitInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The dashboard's live badges: a server-sent event stream fed by an engine listener. Each change to one
 * of the demo user's accounts becomes one {@code status} event with that toolkit's badge as
 * {@code session.toolkits()} reports it now; a new subscriber first gets every badge. Events carry
 * statuses, account ids and toolkit names, never a secret.
 *
 * <p>Thread-safe. One thread writes everything, in order, so a subscriber's first badges can never
 * overwrite a newer change; listeners run on the engine's callers' threads and only hand over.
 */
final class StatusEvents implements ConnectionListener, AutoCloseable {
  /** Subscribers beyond this are refused: each holds a connection open. */
  static final int MAX_SUBSCRIBERS = 32;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final Session session;
  private final List<ServerResponse.SseBuilder> subscribers = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "status-events");
    t.setDaemon(true);
    return t;
  });

  /** A listener for {@code session}'s user; declared as a bean, the starter adds it to the engine. */
  StatusEvents(Session session) {
    this.session = session;
    // A comment now and then lets a closed tab be noticed and dropped.
    writer.scheduleWithFixedDelay(() -> broadcast(null), 15, 15, TimeUnit.SECONDS);
  }

  /** {@code GET /events}: an open stream, or 503 when too many are open or the application is stopping. */
  ServerResponse subscribe() {
    if (closed || subscribers.size() >= MAX_SUBSCRIBERS) {
      return ServerResponse.status(503).build();
    }
    return ServerResponse.sse(sse -> {
      sse.onComplete(() -> subscribers.remove(sse)).onTimeout(() -> subscribers.remove(sse))
          .onError(e -> subscribers.remove(sse));
      try {
        writer.execute(() -> {
          try {
            sse.retry(Duration.ofSeconds(3));
            for (ToolkitInfo t : toolkits()) {
              sse.event("status").data(badge(t, null));
            }
            subscribers.add(sse);
            if (closed) { // close() ran while this stream was being set up
              subscribers.remove(sse);
              sse.complete();
            }
          } catch (IOException | RuntimeException gone) {
            sse.complete();
          }
        });
      } catch (RejectedExecutionException stopping) {
        sse.complete();
      }
    }, Duration.ofMinutes(30));
  }

  @Override
  public void onEvent(ConnectionEvent e) {
    if (!e.userId().equals(session.userId())) {
      return;
    }
    String line = TIME.format(e.occurredAt()) + "  " + e.toolkit() + " " + e.accountId() + " " + switch (e.type()) {
      case STATUS_CHANGED -> e.previousStatus().map(from -> from + " → ").orElse("new, ") + e.status()
          + e.reason().map(r -> " (" + r + ")").orElse("");
      case TOKEN_REFRESHED -> "token refreshed";
      case REFRESH_FAILED -> "refresh failed" + e.detail().map(d -> " (" + d + ")").orElse("");
      case DELETED -> "deleted";
    };
    try {
      writer.execute(() -> toolkits().stream().filter(t -> t.slug().equals(e.toolkit())).findFirst()
          .ifPresent(t -> broadcast(badge(t, line))));
    } catch (RejectedExecutionException stopping) {
      // closing: nobody listens any more
    }
  }

  private List<ToolkitInfo> toolkits() {
    try {
      return session.toolkits().items();
    } catch (RuntimeException expired) {
      return List.of();
    }
  }

  /** One event's data: the toolkit's badge, and a line for the event log when there is one. JSON on one line. */
  static String badge(ToolkitInfo t, String line) {
    Badge badge = Badge.of(t);
    ObjectNode data = JSON.createObjectNode().put("toolkit", t.slug()).put("status", badge.css())
        .put("label", badge.label()).put("account", badge.account().orElse(""));
    if (line != null) {
      data.put("line", line);
    }
    return data.toString();
  }

  /** Sends {@code data} as a {@code status} event to every subscriber (a keep-alive comment when null). */
  private void broadcast(String data) {
    for (ServerResponse.SseBuilder sse : subscribers) {
      try {
        if (data == null) {
          sse.comment("keep-alive").send();
        } else {
          sse.event("status").data(data);
        }
      } catch (IOException | RuntimeException gone) {
        subscribers.remove(sse);
        sse.complete();
      }
    }
  }

  /**
   * Ends every open stream (browsers reconnect to wherever the application comes back) and stops the
   * writer. Called as soon as the application starts closing, before the web server's graceful shutdown,
   * which would otherwise wait for these never-ending requests; again when the bean is destroyed.
   */
  @Override
  public void close() {
    closed = true;
    writer.shutdownNow();
    try {
      // Let a write under way finish before its stream is completed from this thread.
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    subscribers.forEach(ServerResponse.SseBuilder::complete);
    subscribers.clear();
  }

  /**
   * How the dashboard shows one toolkit.
   *
   * @param css the badge's class: {@code active}, {@code initiated}, {@code failed}, {@code expired},
   *     {@code inactive} or {@code not_connected}
   * @param label what the badge says
   * @param account the account the session would use, if any
   */
  record Badge(String css, String label, Optional<String> account) {
    static Badge of(ToolkitInfo t) {
      Optional<ToolkitInfo.AccountRef> ref = t.connection().flatMap(ToolkitInfo.Connection::connectedAccount);
      if (t.isNoAuth() || ref.isEmpty()) {
        return new Badge("not_connected", t.isNoAuth() ? "No sign-in needed" : "Not connected", Optional.empty());
      }
      String label = switch (ref.get().status()) {
        case ACTIVE -> "Active";
        case INITIATED -> "Waiting for sign-in";
        case FAILED -> "Failed";
        case EXPIRED -> "Expired";
        case INACTIVE -> "Inactive";
      };
      return new Badge(ref.get().status().name().toLowerCase(Locale.ROOT), label, Optional.of(ref.get().id()));
    }
  }
}
