package dev.tether.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;

/** A real engine serving one fake OAuth 2.0 toolkit, gmail, and a JSON reader for its answers. */
final class TestEngines {
  static final String TOOL = "COMPOSIO_MANAGE_CONNECTIONS";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestEngines() {}

  static Tether gmail(TestClock clock) {
    return Tether.builder()
        .redirectUri(URI.create("https://app.test/cb"))
        .clock(clock)
        .discoverProviders(false)
        .provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build())
        .build();
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
