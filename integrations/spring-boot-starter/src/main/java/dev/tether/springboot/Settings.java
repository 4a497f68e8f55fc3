package dev.tether.springboot;

import java.util.function.Supplier;

/**
 * Hands {@code tether.*} values to the engine's builders. The builders check every value and say
 * what is wrong in their own terms ({@code linkTtl must be at least 1 second}); a person who set a
 * property needs its name, so a refusal becomes an error that names the property first.
 */
final class Settings {
  private Settings() {}

  /**
   * Runs {@code setter}, which gives the value of {@code property} to a builder.
   *
   * @param property the property, e.g. {@code tether.link-ttl}
   * @param setter the builder call
   * @throws IllegalStateException if the builder refuses the value: the property's name, then the
   *     builder's message (which never holds a secret), without the cause so that the root cause a
   *     failed start shows is this message
   */
  static void set(String property, Runnable setter) {
    build(property, () -> {
      setter.run();
      return null;
    });
  }

  /**
   * Runs {@code step}, which builds something from {@code property}.
   *
   * @param property the property or properties the step reads
   * @param step the builder call
   * @param <T> what it builds
   * @return what {@code step} returned
   * @throws IllegalStateException as {@link #set(String, Runnable)}
   */
  static <T> T build(String property, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Invalid " + property + ": " + e.getMessage());
    }
  }
}
