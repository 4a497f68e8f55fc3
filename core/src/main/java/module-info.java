/**
 * The Tether engine. Start at {@link dev.tether.core.Tether#builder()}.
 */
module dev.tether.core {
  requires transitive dev.tether.spi;
  requires com.google.common;
  requires com.github.benmanes.caffeine;
  requires io.vavr;
  requires com.fasterxml.jackson.databind;

  exports dev.tether.core;
  exports dev.tether.core.store;

  uses dev.tether.spi.ToolkitProvider;
}
