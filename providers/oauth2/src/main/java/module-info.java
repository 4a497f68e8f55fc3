/** OAuth 2.0 authorization-code toolkits for Tether. */
module dev.tether.providers.oauth2 {
  requires transitive dev.tether.spi;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;

  exports dev.tether.providers.oauth2;
}
