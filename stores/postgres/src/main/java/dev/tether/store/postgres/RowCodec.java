package dev.tether.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.SessionOptions;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON the store writes: plaintext for non-secret values (session options, forms, outcomes,
 * change-feed notices) and the plaintext inside each row's ciphertext. Instants travel as ISO-8601
 * text, exact to the nanosecond; column times as epoch nanoseconds. Thread-safe (stateless).
 */
final class RowCodec {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final long NANOS = 1_000_000_000L;

  private RowCodec() {}

  // ---------------------------------------------------------------- times

  static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), NANOS), t.getNano());
  }

  /** For a sweep column only: an instant beyond the range saturates. */
  static long nanosSaturated(Instant t) {
    try {
      return nanos(t);
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS), Math.floorMod(nanos, NANOS));
  }

  // ---------------------------------------------------------------- plumbing

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write JSON", e);
    }
  }

  static String text(JsonNode node) {
    return new String(bytes(node), StandardCharsets.UTF_8);
  }

  static JsonNode parse(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("A stored JSON value does not parse (" + e.getClass().getSimpleName() + ")");
    }
  }

  static JsonNode parse(String json) {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String optText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  // ---------------------------------------------------------------- session options

  static String options(SessionOptions o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("manageConnections", o.manageConnections());
    o.callbackUrl().ifPresent(u -> n.put("callbackUrl", u.toString()));
    ArrayNode enabled = n.putArray("enabled");
    o.enabledToolkits().stream().sorted().forEach(enabled::add);
    ArrayNode disabled = n.putArray("disabled");
    o.disabledToolkits().stream().sorted().forEach(disabled::add);
    ObjectNode pinned = n.putObject("pinned");
    o.pinnedAccounts().forEach(pinned::put);
    n.put("maxAccounts", o.maxAccountsPerToolkit());
    n.put("waitForConnections", o.waitForConnections());
    return text(n);
  }

  static SessionOptions options(String json) {
    JsonNode n = parse(json);
    Set<String> enabled = new LinkedHashSet<>();
    n.get("enabled").forEach(e -> enabled.add(e.asText()));
    Set<String> disabled = new LinkedHashSet<>();
    n.get("disabled").forEach(e -> disabled.add(e.asText()));
    Map<String, String> pinned = new LinkedHashMap<>();
    n.get("pinned").fields().forEachRemaining(e -> pinned.put(e.getKey(), e.getValue().asText()));
    // Rows written before the option was stored lack it: its default, false.
    return new SessionOptions(n.get("manageConnections").asBoolean(),
        Optional.ofNullable(optText(n, "callbackUrl")).map(URI::create), enabled, disabled, pinned,
        n.get("maxAccounts").asInt(), n.path("waitForConnections").asBoolean(false));
  }

  // ---------------------------------------------------------------- credentials

  static ObjectNode credentials(Credentials c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("scheme", c.scheme().name());
    c.accessToken().ifPresent(s -> n.put("access", s.reveal()));
    c.refreshToken().ifPresent(s -> n.put("refresh", s.reveal()));
    c.expiresAt().ifPresent(t -> n.put("expiresAt", t.toString()));
    ArrayNode scopes = n.putArray("scopes");
    c.scopes().forEach(scopes::add);
    ObjectNode attributes = n.putObject("attributes");
    c.attributes().forEach(attributes::put);
    ObjectNode secrets = n.putObject("secrets");
    c.secrets().forEach((k, v) -> secrets.put(k, v.reveal()));
    return n;
  }

  static Credentials credentials(JsonNode n) {
    Credentials.Builder b = Credentials.builder(AuthScheme.valueOf(n.get("scheme").asText()));
    String access = optText(n, "access");
    if (access != null) {
      b.accessToken(access);
    }
    b.refreshToken(optText(n, "refresh"));
    String expiresAt = optText(n, "expiresAt");
    b.expiresAt(expiresAt == null ? null : Instant.parse(expiresAt));
    List<String> scopes = new ArrayList<>();
    n.get("scopes").forEach(s -> scopes.add(s.asText()));
    b.scopes(scopes);
    n.get("attributes").fields().forEachRemaining(e -> b.attribute(e.getKey(), e.getValue().asText()));
    n.get("secrets").fields().forEachRemaining(e -> b.secret(e.getKey(), e.getValue().asText()));
    return b.build();
  }

  // ---------------------------------------------------------------- flows

  static ObjectNode link(AuthorizationLink link) {
    ObjectNode n = JSON.createObjectNode();
    n.put("url", link.urlString());
    ObjectNode state = n.putObject("flowState");
    link.flowState().forEach(state::put);
    return n;
  }

  static AuthorizationLink link(JsonNode n) {
    Map<String, String> state = new LinkedHashMap<>();
    n.get("flowState").fields().forEachRemaining(e -> state.put(e.getKey(), e.getValue().asText()));
    return AuthorizationLink.of(n.get("url").asText(), state);
  }

  static String form(List<ConnectionField> form) {
    ArrayNode a = JSON.createArrayNode();
    for (ConnectionField f : form) {
      a.addObject().put("name", f.name()).put("label", f.label()).put("secret", f.secret())
          .put("required", f.required());
    }
    return text(a);
  }

  static List<ConnectionField> form(String json) {
    List<ConnectionField> out = new ArrayList<>();
    for (JsonNode f : parse(json)) {
      out.add(new ConnectionField(f.get("name").asText(), f.get("label").asText(), f.get("secret").asBoolean(),
          f.get("required").asBoolean()));
    }
    return out;
  }

  static String outcome(CallbackResult r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("successful", r.successful());
    r.connectedAccountId().ifPresent(v -> n.put("accountId", v));
    r.status().ifPresent(v -> n.put("status", v.name()));
    r.redirectUrl().ifPresent(v -> n.put("redirectUrl", v.toString()));
    r.error().ifPresent(v -> n.put("error", v));
    return text(n);
  }

  static CallbackResult outcome(String json) {
    JsonNode n = parse(json);
    return new CallbackResult(n.get("successful").asBoolean(), Optional.ofNullable(optText(n, "accountId")),
        Optional.ofNullable(optText(n, "status")).map(ConnectionStatus::valueOf),
        Optional.ofNullable(optText(n, "redirectUrl")).map(URI::create), Optional.ofNullable(optText(n, "error")));
  }

  // ---------------------------------------------------------------- events

  static ObjectNode event(ConnectionEvent e) {
    ConnectedAccount a = e.account();
    ObjectNode n = JSON.createObjectNode();
    n.put("type", e.type().name());
    n.put("id", a.id());
    n.put("user", a.userId());
    n.put("toolkit", a.toolkit());
    n.put("status", a.status().name());
    a.statusReason().ifPresent(r -> n.put("reason", r));
    n.put("created", a.createdAt().toString());
    n.put("updated", a.updatedAt().toString());
    e.previousStatus().ifPresent(p -> n.put("previous", p.name()));
    e.detail().ifPresent(d -> n.put("detail", d));
    n.put("at", e.occurredAt().toString());
    return n;
  }

  static ConnectionEvent event(JsonNode n) {
    ConnectedAccount a = new ConnectedAccount(n.get("id").asText(), n.get("user").asText(), n.get("toolkit").asText(),
        ConnectionStatus.valueOf(n.get("status").asText()), Optional.ofNullable(optText(n, "reason")),
        Instant.parse(n.get("created").asText()), Instant.parse(n.get("updated").asText()));
    return new ConnectionEvent(ConnectionEvent.Type.valueOf(n.get("type").asText()), a,
        Optional.ofNullable(optText(n, "previous")).map(ConnectionStatus::valueOf),
        Optional.ofNullable(optText(n, "detail")), Instant.parse(n.get("at").asText()));
  }
}
