package dev.tether.core;

import dev.tether.spi.Slugs;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The options a session is created with. Immutable.
 *
 * @param manageConnections whether the session offers the {@code COMPOSIO_MANAGE_CONNECTIONS}
 *     meta-tool (default true); manual {@code authorize} works either way
 * @param callbackUrl where users land after connecting, unless {@code authorize} passes its own
 * @param enabledToolkits an allow-list of slugs; empty means every toolkit (unless denied)
 * @param disabledToolkits a deny-list of slugs; never combined with an allow-list
 * @param pinnedAccounts toolkit → {@code ca_…} the session must use for that toolkit
 * @param maxAccountsPerToolkit 1 in single-account mode (the default); 2–10 in multi-account mode
 * @param waitForConnections whether the session offers the {@code COMPOSIO_WAIT_FOR_CONNECTIONS}
 *     meta-tool (default false)
 */
public record SessionOptions(
    boolean manageConnections,
    Optional<URI> callbackUrl,
    Set<String> enabledToolkits,
    Set<String> disabledToolkits,
    Map<String, String> pinnedAccounts,
    int maxAccountsPerToolkit,
    boolean waitForConnections) {

  /** The most accounts a multi-account session may keep per toolkit. */
  public static final int MAX_ACCOUNTS_LIMIT = 10;

  private static final SessionOptions DEFAULTS = builder().build();

  /**
   * Validates and copies; see {@link Builder} for the rules.
   *
   * @param manageConnections whether the session offers the meta-tool
   * @param callbackUrl where users land after connecting; not null, may be empty
   * @param enabledToolkits an allow-list of valid slugs, copied
   * @param disabledToolkits a deny-list of valid slugs, copied; empty when an allow-list is given
   * @param pinnedAccounts toolkit slug → account id, copied
   * @param maxAccountsPerToolkit 1 to {@value #MAX_ACCOUNTS_LIMIT}
   * @param waitForConnections whether the session offers the wait meta-tool
   * @throws IllegalArgumentException if both lists are given, a slug is malformed, an account is
   *     pinned for a toolkit the lists leave out, or the account limit is out of range
   */
  public SessionOptions {
    Objects.requireNonNull(callbackUrl, "callbackUrl");
    enabledToolkits = Set.copyOf(enabledToolkits);
    disabledToolkits = Set.copyOf(disabledToolkits);
    pinnedAccounts = Map.copyOf(pinnedAccounts);
    if (!enabledToolkits.isEmpty() && !disabledToolkits.isEmpty()) {
      throw new IllegalArgumentException("A session takes an allow-list or a deny-list of toolkits, "
          + "not both: got enabled " + enabledToolkits + " and disabled " + disabledToolkits);
    }
    enabledToolkits.forEach(Slugs::requireValid);
    disabledToolkits.forEach(Slugs::requireValid);
    pinnedAccounts.keySet().forEach(Slugs::requireValid);
    for (String pinned : pinnedAccounts.keySet()) {
      if (enabledToolkits.isEmpty() ? disabledToolkits.contains(pinned) : !enabledToolkits.contains(pinned)) {
        throw new IllegalArgumentException("The session pins an account for '" + pinned + "', which its "
            + (enabledToolkits.isEmpty() ? "deny-list" : "allow-list") + " leaves out; pin only toolkits the "
            + "session offers, or offer '" + pinned + "'");
      }
    }
    if (maxAccountsPerToolkit < 1 || maxAccountsPerToolkit > MAX_ACCOUNTS_LIMIT) {
      throw new IllegalArgumentException("maxAccountsPerToolkit must be 1 (single-account) or 2 to "
          + MAX_ACCOUNTS_LIMIT + " (multi-account), got " + maxAccountsPerToolkit);
    }
  }

  /**
   * Options without the wait meta-tool (the form before it existed).
   *
   * @param manageConnections whether the session offers the meta-tool
   * @param callbackUrl where users land after connecting; not null, may be empty
   * @param enabledToolkits an allow-list of valid slugs, copied
   * @param disabledToolkits a deny-list of valid slugs, copied; empty when an allow-list is given
   * @param pinnedAccounts toolkit slug → account id, copied
   * @param maxAccountsPerToolkit 1 to {@value #MAX_ACCOUNTS_LIMIT}
   * @throws IllegalArgumentException as the canonical constructor
   */
  public SessionOptions(boolean manageConnections, Optional<URI> callbackUrl, Set<String> enabledToolkits,
      Set<String> disabledToolkits, Map<String, String> pinnedAccounts, int maxAccountsPerToolkit) {
    this(manageConnections, callbackUrl, enabledToolkits, disabledToolkits, pinnedAccounts, maxAccountsPerToolkit,
        false);
  }

  /**
   * Default options: meta-tool on, no callback URL, every toolkit, single-account mode.
   *
   * @return the shared default options
   */
  public static SessionOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether the session may use {@code slug}.
   *
   * @param slug a normalised toolkit slug
   * @return true when the allow-list names it, or there is no allow-list and the deny-list does
   *     not name it
   */
  public boolean allows(String slug) {
    return enabledToolkits.isEmpty() ? !disabledToolkits.contains(slug) : enabledToolkits.contains(slug);
  }

  /**
   * Whether accounts for one toolkit coexist (2–10) rather than replace each other.
   *
   * @return true when {@link #maxAccountsPerToolkit()} is above 1
   */
  public boolean multiAccount() {
    return maxAccountsPerToolkit > 1;
  }

  /**
   * The account pinned for {@code toolkit}, if any.
   *
   * @param toolkit a normalised toolkit slug
   * @return the pinned account's id, or empty when the session pins none for the toolkit
   */
  public Optional<String> pinnedAccount(String toolkit) {
    return Optional.ofNullable(pinnedAccounts.get(toolkit));
  }

  /** Builds {@link SessionOptions}. Not thread-safe. */
  public static final class Builder {
    private boolean manageConnections = true;
    private boolean waitForConnections;
    private URI callbackUrl;
    private final Set<String> enabled = new LinkedHashSet<>();
    private final Set<String> disabled = new LinkedHashSet<>();
    private final Map<String, String> pinned = new LinkedHashMap<>();
    private int maxAccounts = 1;

    private Builder() {}

    /**
     * Offer the meta-tool (default true). False removes it; manual authorize still works.
     *
     * @param enabled whether {@link Session#tools()} lists the meta-tool
     * @return this builder
     */
    public Builder manageConnections(boolean enabled) {
      this.manageConnections = enabled;
      return this;
    }

    /**
     * Offer {@code COMPOSIO_WAIT_FOR_CONNECTIONS} (default false), with which an agent that showed
     * links waits until all or any of the toolkits are connected, as the hosted option does.
     *
     * @param enabled whether {@link Session#tools()} lists the wait meta-tool
     * @return this builder
     */
    public Builder waitForConnections(boolean enabled) {
      this.waitForConnections = enabled;
      return this;
    }

    /**
     * Where users land after connecting (validated when the session is created).
     *
     * @param url an absolute http(s) URL, of an allowed origin when the engine restricts them
     * @return this builder
     */
    public Builder callbackUrl(URI url) {
      this.callbackUrl = Objects.requireNonNull(url, "callbackUrl");
      return this;
    }

    /**
     * Restricts the session to these toolkits (an allow-list). Slugs are normalised.
     *
     * @param slugs toolkit slugs to add to the allow-list; each must be known when the session is
     *     created
     * @return this builder
     * @throws IllegalArgumentException if a slug is malformed
     */
    public Builder toolkits(String... slugs) {
      for (String s : slugs) {
        enabled.add(Slugs.requireValid(Slugs.normalize(s)));
      }
      return this;
    }

    /**
     * Removes these toolkits from the session (a deny-list). Slugs are normalised.
     *
     * @param slugs toolkit slugs to add to the deny-list; each must be known when the session is
     *     created
     * @return this builder
     * @throws IllegalArgumentException if a slug is malformed
     */
    public Builder disableToolkits(String... slugs) {
      for (String s : slugs) {
        disabled.add(Slugs.requireValid(Slugs.normalize(s)));
      }
      return this;
    }

    /**
     * Makes the session use {@code connectedAccountId} for {@code toolkit}.
     *
     * @param toolkit the toolkit's slug (normalised)
     * @param connectedAccountId one of the session user's accounts for that toolkit (checked when
     *     the session is created; the toolkit must be one the session offers, checked by {@link
     *     #build()}); not null
     * @return this builder
     * @throws IllegalArgumentException if the slug is malformed
     * @throws IllegalStateException if the toolkit is already pinned
     */
    public Builder pinAccount(String toolkit, String connectedAccountId) {
      String slug = Slugs.requireValid(Slugs.normalize(toolkit));
      Objects.requireNonNull(connectedAccountId, "connectedAccountId");
      if (pinned.putIfAbsent(slug, connectedAccountId) != null) {
        throw new IllegalStateException("Toolkit '" + slug + "' is already pinned to " + pinned.get(slug));
      }
      return this;
    }

    /**
     * Lets up to {@code maxPerToolkit} (2–10) accounts per toolkit coexist.
     *
     * @param maxPerToolkit 2 to {@value SessionOptions#MAX_ACCOUNTS_LIMIT}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxPerToolkit} is out of range
     */
    public Builder multiAccount(int maxPerToolkit) {
      if (maxPerToolkit < 2 || maxPerToolkit > MAX_ACCOUNTS_LIMIT) {
        throw new IllegalArgumentException("multiAccount takes 2 to " + MAX_ACCOUNTS_LIMIT
            + " accounts per toolkit, got " + maxPerToolkit);
      }
      this.maxAccounts = maxPerToolkit;
      return this;
    }

    /**
     * The options.
     *
     * @return new immutable options
     * @throws IllegalArgumentException if both an allow-list and a deny-list were given, or an
     *     account is pinned for a toolkit the list leaves out
     */
    public SessionOptions build() {
      return new SessionOptions(manageConnections, Optional.ofNullable(callbackUrl), enabled, disabled,
          pinned, maxAccounts, waitForConnections);
    }
  }
}
