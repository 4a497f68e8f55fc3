package dev.tether.core;

/** No connected account has the given id (never created, or deleted). */
public final class AccountNotFoundException extends TetherException {
  private static final long serialVersionUID = 1L;

  AccountNotFoundException(String accountId) {
    super("No connected account '" + accountId + "'; list accounts with tether.accounts(...)");
  }
}
