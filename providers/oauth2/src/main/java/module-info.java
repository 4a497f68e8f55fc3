/** OAuth 2.0 authorization-code toolkits for Tether, and the bundled catalog of real ones. */
module dev.tether.providers.oauth2 {
  requires transitive dev.tether.spi;
  requires dev.tether.providers.kit;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;

  exports dev.tether.providers.oauth2;

  provides dev.tether.spi.ToolkitProvider with dev.tether.providers.oauth2.OAuth2Catalog;
}
