package dev.tether.examples.springboot;

import java.net.InetAddress;
import java.net.URI;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * The sandbox identity provider that plays Google and GitHub: a real OAuth 2.0 authorization server
 * ({@code mock-oauth2-server}) on a free loopback port, whose sign-in page takes any user name, with
 * refresh-token rotation on. Started with the application context, stopped with it.
 */
final class SandboxIdentityProvider implements AutoCloseable {
  private static final String ISSUER = "sandbox";
  private final MockOAuth2Server server;

  SandboxIdentityProvider() {
    server = new MockOAuth2Server(new OAuth2Config(true, null, null, true));
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  URI authorizationUrl() {
    return URI.create(server.authorizationEndpointUrl(ISSUER).toString());
  }

  URI tokenUrl() {
    return URI.create(server.tokenEndpointUrl(ISSUER).toString());
  }

  /** The discovery document, the one sandbox URL worth opening by hand. */
  URI discoveryUrl() {
    return URI.create(server.wellKnownUrl(ISSUER).toString());
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
