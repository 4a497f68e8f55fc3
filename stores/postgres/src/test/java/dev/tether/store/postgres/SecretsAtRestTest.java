package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.spi.Credentials;
import dev.tether.spi.Secret;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * After full flows (an OAuth grant against a real authorization server, a refresh with rotation, an
 * API key typed into a connect link, a session), no secret is anywhere in the database in
 * plaintext: every column of every {@code tether_} table, dumped as text (BEHAVIOUR.md §9, §10).
 */
class SecretsAtRestTest {
  private static final String API_KEY = "exa-live-key-0123456789";
  private final PostgresFixture db = new PostgresFixture();
  private Sandbox sandbox;

  @AfterEach
  void stop() throws Exception {
    if (sandbox != null) {
      sandbox.close();
    }
    db.close();
  }

  @Test
  void afterFullFlows_noTableHoldsASecretInPlaintext() throws Exception {
    sandbox = new Sandbox();
    TestClock clock = new TestClock(Instant.now());
    PostgresConnectionStore store = db.store();
    Tether tether = Tether.builder().redirectUri(URI.create("http://127.0.0.1/oauth/callback"))
        .connectBaseUrl(URI.create("http://127.0.0.1/connect")).clock(clock).discoverProviders(false)
        .provider(sandbox.gmail()).provider(FakeToolkitProvider.builder().apiKey("exa", "Exa").build())
        .store(store).build();
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("client secret", Sandbox.CLIENT_SECRET);
    secrets.put("api key", API_KEY);

    Session session = tether.createSession("alice");
    secrets.put("session bearer", store.session(session.id()).orElseThrow().bearer().reveal());
    ConnectionRequest gmail = session.authorize("gmail");
    String flowKey = db.queryString("SELECT key FROM \"" + db.schema + "\".tether_flow WHERE account_id = '"
        + gmail.id() + "'");
    secrets.put("verifier", store.flow(flowKey).orElseThrow().verifier().reveal());
    URI upstream = tether.connectLink(linkId(gmail.redirectUrl())).orElseThrow().authorizationUrl().orElseThrow();
    Map<String, String> callback = Sandbox.approve(upstream);
    secrets.put("state", callback.get("state"));
    secrets.put("code", callback.get("code"));
    assertThat(tether.handleCallback(callback).successful()).isTrue();
    Credentials first = tether.credentials(gmail.id());
    clock.advance(Duration.between(clock.instant(), first.expiresAt().orElseThrow().minusSeconds(30)));
    Credentials rotated = tether.credentials(gmail.id());
    for (Credentials c : List.of(first, rotated)) {
      secrets.put("access token " + secrets.size(), c.accessToken().orElseThrow().reveal());
      secrets.put("refresh token " + secrets.size(), c.refreshToken().orElseThrow().reveal());
      c.secrets().forEach((name, value) -> secrets.put(name + " " + secrets.size(), value.reveal()));
    }
    ConnectionRequest exa = session.authorize("exa");
    assertThat(tether.submitConnectLink(linkId(exa.redirectUrl()), Map.of("api_key", API_KEY)).accepted()).isTrue();
    assertThat(tether.credentials(exa.id()).accessToken().map(Secret::reveal)).contains(API_KEY);
    session.authorize("gmail"); // a pending link too: its URL carries a fresh state

    String dump = dump();
    assertThat(dump).contains(gmail.id()).contains(exa.id());
    secrets.forEach((what, value) -> {
      assertThat(dump).as("the %s in plaintext", what).doesNotContain(value);
      assertThat(dump).as("the %s as hex", what)
          .doesNotContain(HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)));
    });
  }

  private static String linkId(URI link) {
    return link.getPath().substring(link.getPath().lastIndexOf('/') + 1);
  }

  /** Every row of every tether_ table in the schema, every column as text (bytea as hex). */
  private String dump() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = db.server.dataSource().getConnection(); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
          + db.schema + "' AND table_name LIKE 'tether\\_%'")) {
        while (r.next()) {
          tables.add(r.getString(1));
        }
      }
      assertThat(tables).contains("tether_account", "tether_flow", "tether_session", "tether_slot",
          "tether_refresh_lease", "tether_schema_version");
      for (String table : tables) {
        try (ResultSet r = s.executeQuery("SELECT t::text FROM \"" + db.schema + "\"." + table + " t")) {
          while (r.next()) {
            out.append(table).append(": ").append(r.getString(1)).append('\n');
          }
        }
      }
    }
    return out.toString();
  }
}
