package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;

import com.google.common.collect.ImmutableMap;
import dev.tether.core.ConnectionRules.LinkDecision;
import dev.tether.core.ManageConnectionsResult.Status;
import dev.tether.core.ManageConnectionsResult.ToolkitResult;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * "Is this user connected to these toolkits?": the typed meta-tool ({@link Session#manageConnections})
 * and the toolkit listing ({@link Session#toolkits}). An ACTIVE account or an unexpired pending
 * link answers from one read of the slot, with no commit: the path every agent tool call takes.
 * Thread-safe.
 */
final class ToolkitConnections {
  static final int MAX_TOOLKITS_PER_CALL = 50;

  private final EngineConfig config;
  private final ProviderRegistry registry;
  private final ConnectionStore store;
  private final LinkIssuer links;
  private final SlotTransaction tx;

  ToolkitConnections(EngineConfig config, ProviderRegistry registry, ConnectionStore store, LinkIssuer links,
      SlotTransaction tx) {
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.links = links;
    this.tx = tx;
  }

  // ---------------------------------------------------------------- the meta-tool, typed

  ManageConnectionsResult manage(StoredSession session, List<String> toolkits, boolean reinitiateAll, Instant now) {
    return check(session, toolkits, reinitiateAll, now).typed();
  }

  /** The meta-tool's outcomes, before they are typed or rendered. */
  Checked check(StoredSession session, List<String> toolkits, boolean reinitiateAll, Instant now) {
    List<String> slugs = normalizeToolkits(toolkits);
    ToolkitResult[] results = new ToolkitResult[slugs.size()];
    int active = 0;
    int initiated = 0;
    for (int i = 0; i < results.length; i++) {
      ToolkitResult r = manageOne(session, slugs.get(i), reinitiateAll, now);
      results[i] = r;
      if (r.status() == Status.ACTIVE) {
        active++;
      } else if (r.status() == Status.INITIATED) {
        initiated++;
      }
    }
    return new Checked(Collections.unmodifiableList(Arrays.asList(results)),
        new ManageConnectionsResult.Summary(results.length, active, initiated, results.length - active - initiated),
        session.id());
  }

  /**
   * What the manage meta-tool found, one outcome per distinct requested toolkit in request order,
   * each named by its normalised slug ({@link ToolkitResult#toolkit()} is the slug asked for): the
   * JSON answer is rendered from this without building the typed result's map.
   */
  record Checked(List<ToolkitResult> results, ManageConnectionsResult.Summary summary, String sessionId) {
    String message() {
      return ManageConnectionsTool.message(summary);
    }

    ManageConnectionsResult typed() {
      ImmutableMap.Builder<String, ToolkitResult> byToolkit = ImmutableMap.builderWithExpectedSize(results.size());
      for (ToolkitResult r : results) {
        byToolkit.put(r.toolkit(), r);
      }
      return new ManageConnectionsResult(byToolkit.buildOrThrow(), summary, message(), sessionId,
          MetaTools.sessionInstructions(sessionId));
    }
  }

  /**
   * Trims, lower-cases and de-duplicates (first seen wins) the requested slugs, in the order given.
   *
   * @throws IllegalArgumentException naming the problem when the list is null, empty, too long
   *     or holds a null or absurdly long entry
   */
  static List<String> normalizeToolkits(List<String> toolkits) {
    if (toolkits == null) {
      throw new IllegalArgumentException("toolkits is required: pass 1 to " + MAX_TOOLKITS_PER_CALL
          + " toolkit slugs, e.g. [\"gmail\"]");
    }
    if (toolkits.isEmpty()) {
      throw new IllegalArgumentException("toolkits is empty: pass 1 to " + MAX_TOOLKITS_PER_CALL
          + " toolkit slugs, e.g. [\"gmail\"]");
    }
    if (toolkits.size() > MAX_TOOLKITS_PER_CALL) {
      throw new IllegalArgumentException("toolkits has " + toolkits.size() + " entries; pass at most "
          + MAX_TOOLKITS_PER_CALL + " per call");
    }
    // At most 50: a scan of the hashes beats a LinkedHashSet's nodes, and the hash computed here is
    // cached in the String for the registry's and the store's lookups that follow.
    String[] slugs = new String[toolkits.size()];
    int[] hashes = new int[slugs.length];
    int n = 0;
    for (int i = 0; i < toolkits.size(); i++) {
      String raw = toolkits.get(i);
      if (raw == null) { // a blank entry is a malformed slug: reported per toolkit, as not found
        throw new IllegalArgumentException("toolkits[" + i + "] is null; every entry must be a toolkit slug "
            + "such as \"gmail\"");
      }
      if (raw.length() > 4 * Slugs.MAX_LENGTH) {
        throw new IllegalArgumentException("toolkits[" + i + "] is " + raw.length()
            + " characters long; toolkit slugs have at most " + Slugs.MAX_LENGTH);
      }
      String slug = Slugs.normalize(raw);
      int hash = slug.hashCode();
      if (!seen(slugs, hashes, n, slug, hash)) {
        slugs[n] = slug;
        hashes[n++] = hash;
      }
    }
    return Collections.unmodifiableList(Arrays.asList(n == slugs.length ? slugs : Arrays.copyOf(slugs, n)));
  }

  private static boolean seen(String[] slugs, int[] hashes, int n, String slug, int hash) {
    for (int j = 0; j < n; j++) {
      if (hashes[j] == hash && slugs[j].equals(slug)) {
        return true;
      }
    }
    return false;
  }

  private ToolkitResult manageOne(StoredSession session, String slug, boolean reinitiate, Instant now) {
    Optional<ProviderRegistry.Entry> found = registry.find(slug);
    if (found.isEmpty()) {
      return ToolkitResult.failed(slug, (slug.isEmpty() ? "A toolkit slug is blank; pass one such as 'gmail'. "
          : "Toolkit '" + Slugs.abbreviate(slug) + "' was not found. ")
          + "Available toolkits: " + registry.describeAvailable(enabledSlugs(session)) + ".");
    }
    ProviderRegistry.Entry entry = found.get();
    ToolkitDescriptor d = entry.descriptor();
    SessionOptions options = session.options();
    if (!options.allows(slug)) {
      return ToolkitResult.failed(slug, "Toolkit '" + slug + "' is not enabled in this session. Enabled "
          + "toolkits: " + registry.describeAvailable(enabledSlugs(session)) + ".");
    }
    if (d.isNoAuth()) {
      return ToolkitResult.noAuth(slug);
    }
    Optional<String> pinnedId = options.pinnedAccount(slug);
    if (pinnedId.isPresent()) {
      Optional<StoredAccount> pinned = store.account(pinnedId.get());
      if (pinned.isPresent() && pinned.get().status() == ACTIVE) {
        if (!reinitiate) {
          return ToolkitResult.active(slug, pinned.get());
        }
        return ToolkitResult.failed(slug, "This session is pinned to account " + pinnedId.get() + " for '" + slug
            + "', which is ACTIVE; reinitiate_all cannot replace it, because this session would not use a new "
            + "account. Call again without reinitiate_all to use it, or the host creates a session without the pin.");
      }
      return ToolkitResult.failed(slug, "This session is pinned to account " + pinnedId.get() + " for '"
          + slug + "', which is " + pinned.map(a -> a.status().name()).orElse("deleted")
          + "; the host must reconnect it or create a session without the pin.");
    }
    if (!reinitiate) {
      // The hot path of every agent tool call: one read, no commit.
      List<StoredAccount> accounts = store.slot(session.userId(), slug).accounts();
      Optional<StoredAccount> active = ConnectionRules.latestActive(accounts);
      if (active.isPresent()) {
        return ToolkitResult.active(slug, active.get());
      }
      Optional<StoredAccount> pending = ConnectionRules.pending(accounts);
      if (pending.isPresent() && !pending.get().linkExpiredAt(now)) {
        return ToolkitResult.initiated(slug, d.name(), pending.get(), Optional.empty());
      }
    }
    LinkDecision decision;
    try {
      decision = links.issue(session, entry, options.callbackUrl().orElse(null), !reinitiate, now);
    } catch (LinkCreationException e) {
      return ToolkitResult.failed(slug, e.getMessage());
    }
    if (decision instanceof LinkDecision.Active) {
      return ToolkitResult.active(slug, ((LinkDecision.Active) decision).account());
    }
    if (decision instanceof LinkDecision.Pending) {
      return ToolkitResult.initiated(slug, d.name(), ((LinkDecision.Pending) decision).account(), Optional.empty());
    }
    LinkDecision.Issued issued = (LinkDecision.Issued) decision;
    return ToolkitResult.initiated(slug, d.name(), issued.account(), Optional.of(issued.replacedActive()));
  }

  private List<String> enabledSlugs(StoredSession session) {
    return registry.slugs().stream().filter(session.options()::allows).collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- one toolkit's state, for agents

  /**
   * Where a user stands with one toolkit, as the search and wait meta-tools report it.
   *
   * @param status {@code active} (or no auth needed), {@code initiated}, {@code failed},
   *     {@code expired}, {@code inactive} or {@code not_connected}
   * @param accountId the account the status is about, if any
   */
  record ConnectionState(String status, Optional<String> accountId) {
    boolean connected() {
      return status.equals("active");
    }

    /** Whether the user can still get connected without the agent doing anything (a link is pending). */
    boolean pending() {
      return status.equals("initiated");
    }
  }

  ConnectionState state(StoredSession session, ToolkitDescriptor d, Instant now) {
    if (d.isNoAuth()) {
      return new ConnectionState("active", Optional.empty());
    }
    Optional<String> pinnedId = session.options().pinnedAccount(d.slug());
    List<StoredAccount> accounts = pinnedId.isPresent()
        ? pinnedId.flatMap(store::account).map(List::of).orElse(List.of())
        : store.slot(session.userId(), d.slug()).accounts();
    Optional<StoredAccount> active = ConnectionRules.latestActive(accounts);
    if (active.isPresent()) {
      return new ConnectionState("active", Optional.of(active.get().id()));
    }
    Optional<StoredAccount> pending = ConnectionRules.pending(accounts);
    if (pending.isPresent() && !pending.get().linkExpiredAt(now)) {
      return new ConnectionState("initiated", Optional.of(pending.get().id()));
    }
    return ConnectionRules.latest(accounts)
        .map(a -> new ConnectionState(a.linkExpiredAt(now) ? "expired" : a.status().name().toLowerCase(Locale.ROOT),
            Optional.of(a.id())))
        .orElse(new ConnectionState("not_connected", Optional.empty()));
  }

  // ---------------------------------------------------------------- toolkits()

  ToolkitPage toolkits(StoredSession session, ToolkitQuery query, Instant now) {
    Objects.requireNonNull(query, "query");
    List<ToolkitInfo> items = new ArrayList<>();
    String after = query.cursor().orElse("");
    boolean more = false;
    for (ProviderRegistry.Entry entry : registry.entries()) {
      ToolkitDescriptor d = entry.descriptor();
      if (!session.options().allows(d.slug()) || d.slug().compareTo(after) <= 0) {
        continue;
      }
      if (query.search().isPresent() && !d.slug().contains(query.search().get())
          && !d.name().toLowerCase(Locale.ROOT).contains(query.search().get())) {
        continue;
      }
      ToolkitInfo info = toolkitInfo(session, d, now);
      if (query.connectedOnly() && !info.connection().map(ToolkitInfo.Connection::isActive).orElse(false)) {
        continue;
      }
      if (items.size() == query.limit()) {
        more = true;
        break;
      }
      items.add(info);
    }
    Optional<String> next = more ? Optional.of(items.get(items.size() - 1).slug()) : Optional.empty();
    return new ToolkitPage(items, next);
  }

  private ToolkitInfo toolkitInfo(StoredSession session, ToolkitDescriptor d, Instant now) {
    if (d.isNoAuth()) {
      return new ToolkitInfo(d.slug(), d.name(), true, Optional.empty());
    }
    List<StoredAccount> read = store.slot(session.userId(), d.slug()).accounts();
    // Reads show the truth: a due link reads as EXPIRED, and its expiry is announced now.
    List<StoredAccount> accounts = !ConnectionRules.needsHousekeeping(read, now, config.linkTtl()) ? read
        : tx.run(session.userId(), d.slug(), now, draft -> {
          ConnectionRules.housekeep(draft, config.linkTtl());
          return draft.accounts();
        });
    // A pinned session uses its pinned account or none (as the meta-tool answers), never another.
    Optional<String> pinnedId = session.options().pinnedAccount(d.slug());
    Optional<StoredAccount> chosen = pinnedId.isPresent() ? pinnedId.flatMap(store::account)
        : ConnectionRules.latestActive(accounts).or(() -> ConnectionRules.latest(accounts));
    boolean active = chosen.map(a -> a.status() == ACTIVE).orElse(false);
    return new ToolkitInfo(d.slug(), d.name(), false, Optional.of(new ToolkitInfo.Connection(active,
        chosen.map(a -> new ToolkitInfo.AccountRef(a.id(), a.status())))));
  }
}
