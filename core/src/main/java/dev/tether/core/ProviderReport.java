package dev.tether.core;

import java.util.List;
import java.util.Objects;

/**
 * What the engine found when it assembled its providers: who serves which toolkits, and every
 * problem met (a provider that failed to load, an SPI version too new, two providers for one
 * slug). One broken provider never hides the others.
 *
 * @param providers the providers in use, explicit ones first
 * @param problems one sentence per problem, naming the provider class and what happened
 */
public record ProviderReport(List<LoadedProvider> providers, List<String> problems) {
  /**
   * Copies both lists.
   *
   * @param providers the providers in use, copied
   * @param problems one sentence per problem, copied
   */
  public ProviderReport {
    providers = List.copyOf(providers);
    problems = List.copyOf(problems);
  }

  /**
   * Whether every discovered provider loaded and no toolkit was claimed by two discovered
   * providers: true in a healthy set-up, explicit registrations included, so it can back a health
   * check.
   *
   * @return true when {@link #problems()} is empty
   */
  public boolean isClean() {
    return problems.isEmpty();
  }

  /** How a provider was registered. */
  public enum Origin {
    /** Given to {@code Tether.builder().provider(...)}. */
    EXPLICIT,
    /** Found by {@link java.util.ServiceLoader}. */
    DISCOVERED
  }

  /**
   * One provider in use.
   *
   * @param providerClass the implementation's class name
   * @param origin how it was registered
   * @param toolkits the slugs it serves in this engine (after conflicts were resolved)
   */
  public record LoadedProvider(String providerClass, Origin origin, List<String> toolkits) {
    /**
     * Validates and copies.
     *
     * @param providerClass the implementation's class name; not null
     * @param origin how it was registered; not null
     * @param toolkits the slugs it serves in this engine, copied
     */
    public LoadedProvider {
      Objects.requireNonNull(providerClass, "providerClass");
      Objects.requireNonNull(origin, "origin");
      toolkits = List.copyOf(toolkits);
    }
  }
}
