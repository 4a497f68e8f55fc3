package dev.tether.core;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Tether#submitConnectLink}: what the host's form endpoint does next.
 *
 * <ul>
 *   <li>{@code problems} not empty — show the form again with these messages (nothing changed);
 *   <li>{@code redirectUrl} present — redirect the browser there: to the provider (an OAuth
 *       toolkit whose form collected, say, a subdomain) or to the callback URL with
 *       {@code status} and {@code connected_account_id} (credentials typed in the form);
 *   <li>otherwise show the host's own page for {@code status}.
 * </ul>
 *
 * @param accepted whether the submission was taken (false: see {@code problems} or an unknown link)
 * @param connectedAccountId the account, when the link was recognised
 * @param status the account's status afterwards, when the link was recognised
 * @param redirectUrl where to send the browser, if anywhere
 * @param problems one message per bad field, naming the field, never its value
 */
public record ConnectLinkResult(
    boolean accepted,
    Optional<String> connectedAccountId,
    Optional<ConnectionStatus> status,
    Optional<URI> redirectUrl,
    List<String> problems) {
  /**
   * Checks that no component is null and copies the problems.
   *
   * @param accepted whether the submission was taken
   * @param connectedAccountId the account, or empty when the link was not recognised
   * @param status the account's status afterwards, or empty when the link was not recognised
   * @param redirectUrl where to send the browser, or empty
   * @param problems one message per bad field, copied; empty when accepted
   */
  public ConnectLinkResult {
    Objects.requireNonNull(connectedAccountId, "connectedAccountId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(redirectUrl, "redirectUrl");
    problems = List.copyOf(problems);
  }

  /** Never shows the redirect's query, which may carry the state. */
  @Override
  public String toString() {
    return "ConnectLinkResult[accepted=" + accepted + ", account=" + connectedAccountId.orElse("-")
        + ", status=" + status.map(Enum::name).orElse("-")
        + redirectUrl.map(u -> ", redirectTo=" + u.getHost()).orElse("") + ", problems=" + problems + "]";
  }
}
