/**
 * Tether's provider interface: what a plugin implements to serve toolkits.
 *
 * <p>Depends on the JDK only, so a provider never inherits the engine's dependencies.
 */
module dev.tether.spi {
  exports dev.tether.spi;
}
