package dev.tether.store.postgres;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.providers.oauth2.OAuth2Toolkit;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An application node in a JVM of its own, for tests that kill it: {@code ChildNode <jdbcUrl>
 * <schema> <tokenUrl>}. It creates a session, authorizes gmail and prints the ids and the link; then
 * handles the callback the test sends on standard input ({@code CALLBACK <query>}), prints the
 * result, and waits to be killed.
 */
public final class ChildNode {
  static final URI REDIRECT_URI = URI.create("http://127.0.0.1/oauth/callback");
  static final URI AUTHORIZATION_URL = URI.create("https://accounts.example.test/authorize");

  private ChildNode() {}

  static OAuth2Toolkit gmail(URI tokenUrl) {
    return OAuth2Toolkit.builder("gmail").authorizationUrl(AUTHORIZATION_URL).tokenUrl(tokenUrl).clientId("client")
        .clientSecret("child-client-secret").requestTimeout(Duration.ofSeconds(60)).build();
  }

  /**
   * Runs the node.
   *
   * @param args the JDBC URL, the schema and the token endpoint's URL
   * @throws Exception when anything fails (the test sees the process end)
   */
  public static void main(String[] args) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(args[0]);
    PostgresConnectionStore store = PostgresConnectionStore.builder(ds).schema(args[1])
        .encryptionKey(PostgresFixture.KEY_ID, PostgresFixture.KEY).build();
    Tether tether = Tether.builder().redirectUri(REDIRECT_URI).discoverProviders(false)
        .provider(gmail(URI.create(args[2]))).store(store).build();
    Session session = tether.createSession("alice");
    ConnectionRequest request = session.authorize("gmail");
    System.out.println("SESSION " + session.id());
    System.out.println("ACCOUNT " + request.id());
    System.out.println("LINK " + request.redirectUrl());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("CALLBACK ")) {
        CallbackResult result = tether.handleCallback(URI.create(REDIRECT_URI + "?" + line.substring(9)));
        System.out.println("RESULT " + (result.successful() ? "success" : "failed " + result.error().orElse("")));
        System.out.flush();
      }
    }
  }
}
