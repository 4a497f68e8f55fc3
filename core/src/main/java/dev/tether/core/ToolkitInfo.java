package dev.tether.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One toolkit as a session sees it.
 *
 * @param slug the toolkit slug
 * @param name the display name
 * @param isNoAuth whether the toolkit needs no credentials
 * @param connection the user's connection state; absent for no-auth toolkits
 */
public record ToolkitInfo(String slug, String name, boolean isNoAuth, Optional<Connection> connection) {
  /**
   * Checks that no component is null.
   *
   * @param slug the toolkit slug
   * @param name the display name
   * @param isNoAuth whether the toolkit needs no credentials
   * @param connection the user's connection state, or empty for a no-auth toolkit
   */
  public ToolkitInfo {
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(connection, "connection");
  }

  /**
   * The session user's connection to a toolkit.
   *
   * @param isActive whether the session has an ACTIVE account to use
   * @param connectedAccount the account the session would use (pinned, else the most recently
   *     connected ACTIVE one, else the newest); absent when the user never connected
   */
  public record Connection(boolean isActive, Optional<AccountRef> connectedAccount) {
    /**
     * Checks that no component is null.
     *
     * @param isActive whether the session has an ACTIVE account to use
     * @param connectedAccount the account the session would use, or empty when none
     */
    public Connection {
      Objects.requireNonNull(connectedAccount, "connectedAccount");
    }
  }

  /**
   * A reference to a connected account.
   *
   * @param id the account id
   * @param status its status
   */
  public record AccountRef(String id, ConnectionStatus status) {
    /**
     * Checks that no component is null.
     *
     * @param id the account id
     * @param status its status
     */
    public AccountRef {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(status, "status");
    }
  }
}
