/** API-key, bearer and basic toolkits for Tether. */
module dev.tether.providers.apikey {
  requires transitive dev.tether.spi;
  requires dev.tether.providers.kit;

  exports dev.tether.providers.apikey;

  provides dev.tether.spi.ToolkitProvider with dev.tether.providers.apikey.ApiKeyCatalog;
}
