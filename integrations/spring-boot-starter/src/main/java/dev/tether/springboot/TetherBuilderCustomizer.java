package dev.tether.springboot;

import dev.tether.core.Tether;

/**
 * Adjusts the {@link Tether.Builder} the auto-configuration fills from {@code tether.*}, before it
 * builds the engine: for settings without a property (a clock, a class loader). Declare it as a
 * bean; every one is applied, in {@code @Order}. Implementations must not set what the properties
 * already set: each builder setting may be set once.
 */
@FunctionalInterface
public interface TetherBuilderCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the builder, already filled from the properties; not null
   */
  void customize(Tether.Builder builder);
}
