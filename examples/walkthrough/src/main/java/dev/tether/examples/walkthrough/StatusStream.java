package dev.tether.examples.walkthrough;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionListener;
import dev.tether.core.Session;
import dev.tether.core.ToolkitInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's live status: a server-sent event stream ({@code text/event-stream}) fed by an
 * engine listener. Each change to one of the demo user's accounts becomes one {@code status}
 * event with the toolkit's badge as {@code session.toolkits()} now reports it; a new subscriber
 * first gets every toolkit's badge. Events carry ids, statuses and toolkit names only, never a
 * secret.
 *
 * <p>Thread-safe. Everything a subscriber receives is written by one thread, in order, so a
 * subscriber's first badges can never overwrite a newer change. Listeners run on the engine's
 * callers' threads; this one only hands the event over.
 */
final class StatusStream implements ConnectionListener, AutoCloseable {
  /** Subscribers beyond this are refused (503): each holds a connection open. */
  static final int MAX_SUBSCRIBERS = 32;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final Session session;
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "status-stream");
    t.setDaemon(true);
    return t;
  });
  private final List<HttpExchange> subscribers = new CopyOnWriteArrayList<>();

  StatusStream(Session session) {
    this.session = session;
    // A comment line now and then lets a closed browser tab be noticed and dropped.
    writer.scheduleWithFixedDelay(() -> broadcast(": keep-alive\n\n"), 15, 15, TimeUnit.SECONDS);
  }

  /** {@code GET /events}: keeps the response open and adds it to the subscribers. */
  void subscribe(HttpExchange ex) throws IOException {
    if (subscribers.size() >= MAX_SUBSCRIBERS) {
      ex.sendResponseHeaders(503, -1);
      ex.close();
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.sendResponseHeaders(200, 0);
    try {
      writer.execute(() -> {
        StringBuilder first = new StringBuilder("retry: 3000\n\n");
        for (ToolkitInfo t : toolkits()) {
          first.append(message(t, null));
        }
        if (write(ex, first.toString())) {
          subscribers.add(ex);
        }
      });
    } catch (RejectedExecutionException closed) {
      ex.close();
    }
  }

  @Override
  public void onEvent(ConnectionEvent e) {
    if (!e.userId().equals(session.userId())) {
      return;
    }
    String line = TIME.format(e.occurredAt()) + "  " + e.accountId() + " " + e.toolkit() + " "
        + switch (e.type()) {
          case STATUS_CHANGED -> e.previousStatus().map(from -> from + " → ").orElse("new, ") + e.status()
              + e.reason().map(r -> " (" + r + ")").orElse("");
          case TOKEN_REFRESHED -> "token refreshed";
          case REFRESH_FAILED -> "refresh failed" + e.detail().map(d -> " (" + d + ")").orElse("");
          case DELETED -> "deleted";
        };
    try {
      writer.execute(() -> toolkits().stream().filter(t -> t.slug().equals(e.toolkit())).findFirst()
          .ifPresent(t -> broadcast(message(t, line))));
    } catch (RejectedExecutionException closed) {
      // stopping: nobody is listening any more
    }
  }

  int subscriberCount() {
    return subscribers.size();
  }

  private List<ToolkitInfo> toolkits() {
    try {
      return session.toolkits().items();
    } catch (RuntimeException expired) {
      return List.of();
    }
  }

  /** One {@code status} event: the toolkit's badge, and the line for the event log when there is one. */
  static String message(ToolkitInfo t, String line) {
    Badge badge = Badge.of(t);
    ObjectNode data = JSON.createObjectNode().put("toolkit", t.slug()).put("name", t.name())
        .put("status", badge.css()).put("label", badge.label())
        .put("account", badge.account().orElse(""));
    if (line != null) {
      data.put("line", line);
    }
    // JSON from Jackson is one line: it cannot end the event early.
    return "event: status\ndata: " + data + "\n\n";
  }

  private void broadcast(String message) {
    for (HttpExchange ex : subscribers) {
      if (!write(ex, message)) {
        subscribers.remove(ex);
      }
    }
  }

  private static boolean write(HttpExchange ex, String message) {
    try {
      OutputStream out = ex.getResponseBody();
      out.write(message.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException gone) {
      ex.close();
      return false;
    }
  }

  @Override
  public void close() {
    writer.shutdownNow();
    subscribers.forEach(HttpExchange::close);
    subscribers.clear();
  }

  /**
   * How the dashboard shows one toolkit.
   *
   * @param css the badge's class: {@code active}, {@code initiated}, {@code failed}, {@code expired},
   *     {@code inactive}, {@code not_connected} or {@code no_auth}
   * @param label what the badge says
   * @param account the account the session would use, if any
   */
  record Badge(String css, String label, Optional<String> account) {
    static Badge of(ToolkitInfo t) {
      if (t.isNoAuth()) {
        return new Badge("no_auth", "No sign-in needed", Optional.empty());
      }
      Optional<ToolkitInfo.AccountRef> ref = t.connection().flatMap(ToolkitInfo.Connection::connectedAccount);
      if (ref.isEmpty()) {
        return new Badge("not_connected", "Not connected", Optional.empty());
      }
      String label = switch (ref.get().status()) {
        case ACTIVE -> "Active";
        case INITIATED -> "Waiting for sign-in";
        case FAILED -> "Failed";
        case EXPIRED -> "Expired";
        case INACTIVE -> "Inactive";
      };
      return new Badge(ref.get().status().name().toLowerCase(java.util.Locale.ROOT), label, Optional.of(ref.get().id()));
    }
  }
}
