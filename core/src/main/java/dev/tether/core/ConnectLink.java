package dev.tether.core;

import java.net.URI;
import java.util.Objects;

/**
 * What a connect link ({@code {connectBaseUrl}/ln_…}) resolves to while its account is pending.
 * The host's link endpoint redirects the browser to {@link #authorizationUrl()}.
 *
 * @param connectedAccountId the pending account
 * @param toolkit the toolkit being connected
 * @param authorizationUrl the provider's authorization URL (carries the state: redirect, never log)
 */
public record ConnectLink(String connectedAccountId, String toolkit, URI authorizationUrl) {
  /** Checks that no component is null. */
  public ConnectLink {
    Objects.requireNonNull(connectedAccountId, "connectedAccountId");
    Objects.requireNonNull(toolkit, "toolkit");
    Objects.requireNonNull(authorizationUrl, "authorizationUrl");
  }

  /** Never shows the authorization URL's query, which carries the state. */
  @Override
  public String toString() {
    return "ConnectLink[" + connectedAccountId + ", toolkit=" + toolkit + ", to="
        + authorizationUrl.getHost() + "]";
  }
}
