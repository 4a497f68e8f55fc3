package dev.tether.core;

import dev.tether.spi.Credentials;
import java.util.Objects;

/** Something that happens to an existing connected account; input of {@link AccountStateMachine}. */
sealed interface AccountEvent {
  /** How the event reads in an error message: "cannot be {verb}". */
  String verb();

  /** The callback succeeded and the provider returned credentials. */
  record Activated(Credentials credentials) implements AccountEvent {
    public Activated {
      Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public String verb() {
      return "activated";
    }

    @Override
    public String toString() {
      return "Activated";
    }
  }

  /** The provider returned an error, or the exchange failed definitively. */
  record Failed(String reason) implements AccountEvent {
    @Override
    public String verb() {
      return "failed";
    }
  }

  /** The pending link's TTL passed. */
  record LinkExpired() implements AccountEvent {
    @Override
    public String verb() {
      return "expired as a link";
    }
  }

  /** A newer pending link (for INITIATED) or a newer ACTIVE account (for ACTIVE) replaced this one. */
  record Superseded(String byAccountId) implements AccountEvent {
    @Override
    public String verb() {
      return "superseded";
    }
  }

  /** The access token died and cannot be refreshed. */
  record TokenExpired(String reason) implements AccountEvent {
    @Override
    public String verb() {
      return "expired";
    }
  }

  /** The host disabled the account. */
  record Disabled() implements AccountEvent {
    @Override
    public String verb() {
      return "disabled (only ACTIVE accounts can be)";
    }
  }

  /** The host enabled the account again. */
  record Enabled() implements AccountEvent {
    @Override
    public String verb() {
      return "enabled (only INACTIVE accounts can be)";
    }
  }

  /** The access token was refreshed; the status does not change. */
  record Refreshed(Credentials credentials) implements AccountEvent {
    public Refreshed {
      Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public String verb() {
      return "refreshed (only ACTIVE or INACTIVE accounts can be)";
    }

    @Override
    public String toString() {
      return "Refreshed";
    }
  }
}
