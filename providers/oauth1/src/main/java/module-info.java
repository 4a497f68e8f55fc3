/** OAuth 1.0a toolkits for Tether (Trello). */
module dev.tether.providers.oauth1 {
  requires transitive dev.tether.spi;
  requires dev.tether.providers.kit;
  requires java.net.http;

  exports dev.tether.providers.oauth1;

  provides dev.tether.spi.ToolkitProvider with dev.tether.providers.oauth1.OAuth1Catalog;
}
