package dev.tether.benchmarks;

import dev.tether.core.Tether;
import dev.tether.providers.oauth2.OAuth2Toolkit;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/** What every benchmark shares: one OAuth client, one redirect URI, one authorization endpoint. */
final class Fixtures {
  static final String AUTHORIZATION_URL = "https://accounts.example.com/o/oauth2/v2/auth";
  static final String TOKEN_URL = "https://oauth2.example.com/token";
  static final String REDIRECT_URI = "https://app.example.com/oauth/callback";
  static final String CLIENT_ID = "1234567890-abcdefghijklmnop.apps.example.com";
  static final String CLIENT_SECRET = "client-secret-for-benchmarks";
  static final String SCOPE = "https://www.googleapis.com/auth/gmail.modify";
  static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private Fixtures() {}

  /** An engine serving gmail with the shared client; sessions live long, links expire on {@code clock}. */
  static Tether linkEngine(Clock clock) {
    return Tether.builder()
        .redirectUri(URI.create(REDIRECT_URI))
        .clock(clock)
        .sessionIdleTimeout(Duration.ofDays(3650))
        .discoverProviders(false)
        .provider(OAuth2Toolkit.builder("gmail").authorizationUrl(URI.create(AUTHORIZATION_URL))
            .tokenUrl(URI.create(TOKEN_URL)).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).scopes(SCOPE).build())
        .build();
  }

  static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String s256(String verifier) {
    return URL_SAFE.encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A DRBG as Tether's engine draws from: NIST SP 800-90A Hash_DRBG, 256-bit strength. */
  static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG",
          DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
