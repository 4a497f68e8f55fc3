package dev.tether.core;

import dev.tether.spi.ConnectionField;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a connect link ({@code {connectBaseUrl}/ln_…}) resolves to while its account is pending.
 *
 * <p>The host's link endpoint either redirects the browser to {@link #authorizationUrl()} or, when
 * {@link #form()} is not empty, shows a form with those fields and posts the values to
 * {@link Tether#submitConnectLink}.
 *
 * @param connectedAccountId the pending account
 * @param toolkit the toolkit being connected
 * @param toolkitName its display name
 * @param authorizationUrl the provider's authorization URL, once no form is pending (it carries the
 *     state: redirect to it, never log it)
 * @param form the fields to collect first (API key, subdomain, …); empty when none
 */
public record ConnectLink(
    String connectedAccountId,
    String toolkit,
    String toolkitName,
    Optional<URI> authorizationUrl,
    List<ConnectionField> form) {
  /**
   * Checks that no component is null and copies the form.
   *
   * @param connectedAccountId the pending account's id
   * @param toolkit the toolkit slug
   * @param toolkitName the toolkit's display name
   * @param authorizationUrl the provider's URL, or empty while a form is pending
   * @param form the fields to collect first, copied; empty when none
   */
  public ConnectLink {
    Objects.requireNonNull(connectedAccountId, "connectedAccountId");
    Objects.requireNonNull(toolkit, "toolkit");
    Objects.requireNonNull(toolkitName, "toolkitName");
    Objects.requireNonNull(authorizationUrl, "authorizationUrl");
    form = List.copyOf(form);
  }

  /**
   * Whether the host must show a form before anything else happens.
   *
   * @return true when {@link #form()} is not empty
   */
  public boolean needsForm() {
    return !form.isEmpty();
  }

  /** Never shows the authorization URL's query, which carries the state. */
  @Override
  public String toString() {
    return "ConnectLink[" + connectedAccountId + ", toolkit=" + toolkit
        + authorizationUrl.map(u -> ", to=" + u.getHost()).orElse("")
        + (form.isEmpty() ? "" : ", form=" + form.stream().map(ConnectionField::name).toList()) + "]";
  }
}
