package dev.tether.examples.walkthrough;

import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * The sandbox identity provider: a real OAuth 2.0 authorization server ({@code mock-oauth2-server})
 * on loopback, with refresh-token rotation on. Interactive mode shows its sign-in page to a person;
 * otherwise it approves every request at once, as a scripted user would.
 */
final class Sandbox implements AutoCloseable {
  static final String ISSUER_ID = "sandbox";

  private final MockOAuth2Server server;
  private final AtomicBoolean closed = new AtomicBoolean();

  Sandbox(boolean interactive) {
    server = new MockOAuth2Server(new OAuth2Config(interactive, null, null, true));
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  URI authorizationUrl() {
    return URI.create(server.authorizationEndpointUrl(ISSUER_ID).toString());
  }

  URI tokenUrl() {
    return URI.create(server.tokenEndpointUrl(ISSUER_ID).toString());
  }

  /**
   * The sandbox's discovery document: the one sandbox URL worth opening by hand (its root and its
   * issuer URL answer 405; its sign-in page appears when a connect link is followed).
   */
  URI discoveryUrl() {
    return URI.create(server.wellKnownUrl(ISSUER_ID).toString());
  }

  /** Stops the server; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.shutdown();
    }
  }
}
