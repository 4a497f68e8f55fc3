package dev.tether.providers.oauth2;

import java.net.URI;
import java.util.Map;

/** Reads a URL's query into a map, for assertions. */
final class FormBodiesTestSupport {
  private FormBodiesTestSupport() {}

  static Map<String, String> query(URI url) {
    return OAuth2ToolkitTest.params(url.getRawQuery());
  }
}
