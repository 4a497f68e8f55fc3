package dev.tether.pages;

import java.util.Map;

/**
 * A short human reason for an error code. The code is the engine's or the provider's OAuth
 * {@code error} (never its {@code error_description}, which the page must not reflect). Thread-safe.
 */
final class FailureReasons {
  static final String UNKNOWN = "Something went wrong while connecting.";

  private static final Map<String, String> EXACT = Map.ofEntries(
      Map.entry("access_denied", "Access was not allowed, so nothing was connected."),
      Map.entry("consent_required", "The provider needs you to approve access again."),
      Map.entry("interaction_required", "The provider needs you to sign in and approve access again."),
      Map.entry("login_required", "The provider needs you to sign in again."),
      Map.entry("account_selection_required", "The provider needs you to choose an account."),
      Map.entry("invalid_scope", "The app asked for access that the provider does not offer."),
      Map.entry("unauthorized_client", "The app is not set up correctly with the provider."),
      Map.entry("invalid_client", "The app is not set up correctly with the provider."),
      Map.entry("client_not_configured", "The app is not set up correctly with the provider."),
      Map.entry("unsupported_response_type", "The app is not set up correctly with the provider."),
      Map.entry("server_error", "The provider had a problem. Try again in a few minutes."),
      Map.entry("temporarily_unavailable", "The provider is busy. Try again in a few minutes."),
      Map.entry("invalid_grant", "The sign-in could not be completed."),
      Map.entry("invalid_request", "The sign-in could not be completed."),
      Map.entry("issuer_mismatch", "The answer did not come from the expected sign-in server, so it was refused."),
      Map.entry("missing_issuer", "The answer did not say which sign-in server sent it, so it was refused."),
      Map.entry("link_expired", "The link expired before sign-in finished."),
      Map.entry("account_deleted", "This connection was removed before sign-in finished."),
      Map.entry("callback_in_progress", "This sign-in is still being completed. Reload this page in a moment."),
      Map.entry("invalid_api_key", "The key was not accepted."),
      Map.entry("unknown_state", "This sign-in is not one the app is waiting for: it may be old, already used or altered."),
      Map.entry("missing_state", "This sign-in is not one the app is waiting for: it may be old, already used or altered."),
      Map.entry("duplicate_parameter", "This sign-in response was altered, so it was refused."));

  private FailureReasons() {}

  /**
   * One sentence for {@code code}.
   *
   * @param code an error code, any text
   * @return a sentence that never repeats the code's text
   */
  static String of(String code) {
    String exact = EXACT.get(code);
    if (exact != null) {
      return exact;
    }
    if (code.startsWith("superseded")) {
      return "A newer link for this app replaced this one.";
    }
    if (code.startsWith("http_5") || code.equals("provider_error")) {
      return "The provider had a problem. Try again in a few minutes.";
    }
    if (code.startsWith("missing_")) {
      return "The provider sent you back without finishing the sign-in.";
    }
    return UNKNOWN;
  }
}
