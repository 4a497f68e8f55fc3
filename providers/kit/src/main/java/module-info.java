/**
 * What Tether's provider families share: one HTTP client, one classification of upstream
 * failures, one form/query codec and one dispatcher for a catalog's toolkits.
 *
 * <p>Depends on the JDK and {@code tether-spi} only, like every provider.
 */
module dev.tether.providers.kit {
  requires transitive dev.tether.spi;
  requires transitive java.net.http;

  exports dev.tether.providers.kit;
}
