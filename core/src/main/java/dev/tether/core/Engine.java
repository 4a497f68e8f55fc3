package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;
import static dev.tether.core.ConnectionStatus.INACTIVE;
import static dev.tether.core.ConnectionStatus.INITIATED;

import dev.tether.core.AccountStateMachine.StatusChange;
import dev.tether.core.AccountStateMachine.Transition;
import dev.tether.core.ManageConnectionsResult.Status;
import dev.tether.core.ManageConnectionsResult.ToolkitResult;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Secret;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import io.vavr.control.Either;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The engine behind {@link Tether} and {@link Session}: applies the rules of BEHAVIOUR.md §2–§6 on top
 * of the pure {@link AccountStateMachine} and the {@link EngineStore} seam.
 *
 * <p>Concurrency: every change to one (user, toolkit) pair runs inside the store's slot lock; I/O
 * with providers runs outside it except link building, which must be atomic with superseding the
 * previous link. Events and waiter completions are published after the lock is released.
 */
final class Engine {
  private static final System.Logger LOG = System.getLogger(Engine.class.getName());

  static final int MAX_TOOLKITS_PER_CALL = 50;

  private final Clock clock;
  private final Duration linkTtl;
  private final Duration refreshSkew;
  private final URI redirectUri;
  private final URI connectBaseUrl;
  private final CallbackUrls callbackUrls;
  private final ProviderRegistry registry;
  private final EngineStore store;
  private final Listeners listeners;
  private final Ids ids;
  private final ConcurrentLinkedQueue<String> expiredLinks = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<String, CompletableFuture<ConnectedAccount>> waiters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Credentials>> refreshes = new ConcurrentHashMap<>();

  Engine(Tether.Builder b, ProviderRegistry registry, Ids ids) {
    this.clock = b.clock;
    this.linkTtl = b.linkTtl;
    this.refreshSkew = b.tokenRefreshSkew;
    this.redirectUri = b.redirectUri;
    this.connectBaseUrl = b.connectBaseUrl;
    this.callbackUrls = new CallbackUrls(b.callbackOrigins(), b.anyCallbackOrigin);
    this.registry = registry;
    this.ids = ids;
    this.listeners = new Listeners(b.listeners);
    Times.nanos(clock.instant()); // a clock Tether cannot record fails here, naming the fix
    this.store = new InMemoryStore(() -> Math.multiplyExact(clock.millis(), 1_000_000L),
        b.sessionIdleTimeout, b.linkTtl, flow -> expiredLinks.add(flow.accountId()));
  }

  // ---------------------------------------------------------------- sessions

  SessionRecord createSession(String userId, SessionOptions options) {
    requireUserId(userId);
    Objects.requireNonNull(options, "options");
    options.callbackUrl().ifPresent(callbackUrls::validate);
    for (String slug : options.enabledToolkits()) {
      requireKnownForOptions(slug, "toolkits allow-list");
    }
    for (String slug : options.disabledToolkits()) {
      requireKnownForOptions(slug, "toolkits deny-list");
    }
    options.pinnedAccounts().forEach((toolkit, accountId) -> {
      AccountRecord pinned = store.account(accountId).orElseThrow(() -> new IllegalArgumentException(
          "Pinned account '" + accountId + "' for toolkit '" + toolkit + "' does not exist; pin an "
              + "account listed by tether.accounts(AccountQuery.ofUser(\"" + userId + "\"))"));
      if (!pinned.userId().equals(userId) || !pinned.toolkit().equals(toolkit)) {
        throw new IllegalArgumentException("Pinned account '" + accountId + "' belongs to another user "
            + "or toolkit than ('" + userId + "', '" + toolkit + "'); pin one of this user's '" + toolkit
            + "' accounts");
      }
    });
    SessionRecord session = new SessionRecord(ids.sessionId(), userId, options, clock.instant());
    store.putSession(session);
    return session;
  }

  private void requireKnownForOptions(String slug, String where) {
    if (registry.find(slug).isEmpty()) {
      throw new IllegalArgumentException("Unknown toolkit '" + slug + "' in the session's " + where
          + "; available toolkits: " + registry.describeAvailable(registry.slugs()));
    }
  }

  Optional<SessionRecord> session(String id) {
    return id == null ? Optional.empty() : store.session(id);
  }

  SessionRecord requireSession(String id) {
    return store.session(id).orElseThrow(() -> new SessionExpiredException(id));
  }

  ProviderRegistry registry() {
    return registry;
  }

  Instant now() {
    return clock.instant();
  }

  Listeners listeners() {
    return listeners;
  }

  // ---------------------------------------------------------------- toolkits()

  ToolkitPage toolkits(SessionRecord session, ToolkitQuery query) {
    Objects.requireNonNull(query, "query");
    Instant now = clock.instant();
    List<ToolkitInfo> items = new ArrayList<>();
    String after = query.cursor().orElse("");
    boolean more = false;
    for (ProviderRegistry.Entry entry : registry.entries()) {
      ToolkitDescriptor d = entry.descriptor();
      if (!session.options().allows(d.slug()) || d.slug().compareTo(after) <= 0) {
        continue;
      }
      if (query.search().isPresent() && !d.slug().contains(query.search().get())
          && !d.name().toLowerCase(java.util.Locale.ROOT).contains(query.search().get())) {
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
    drainExpired();
    Optional<String> next = more ? Optional.of(items.get(items.size() - 1).slug()) : Optional.empty();
    return new ToolkitPage(items, next);
  }

  private ToolkitInfo toolkitInfo(SessionRecord session, ToolkitDescriptor d, Instant now) {
    if (d.isNoAuth()) {
      return new ToolkitInfo(d.slug(), d.name(), true, Optional.empty());
    }
    Changes changes = new Changes(now);
    ToolkitInfo.Connection connection = store.withSlot(session.userId(), d.slug(), false, slot -> {
      expireDue(slot, now, changes);
      Optional<AccountRecord> pinned = session.options().pinnedAccount(d.slug()).flatMap(store::account);
      Optional<AccountRecord> chosen = pinned.isPresent() ? pinned
          : latestActive(slot).or(() -> latest(slot));
      boolean active = chosen.map(a -> a.status() == ACTIVE).orElse(false);
      return new ToolkitInfo.Connection(active,
          chosen.map(a -> new ToolkitInfo.AccountRef(a.id(), a.status())));
    });
    publish(changes);
    return new ToolkitInfo(d.slug(), d.name(), false, Optional.of(connection));
  }

  // ---------------------------------------------------------------- manage connections

  ManageConnectionsResult manage(SessionRecord session, List<String> toolkits, boolean reinitiateAll) {
    List<String> slugs = normalizeToolkits(toolkits);
    Map<String, ToolkitResult> results = new LinkedHashMap<>();
    for (String slug : slugs) {
      results.put(slug, manageOne(session, slug, reinitiateAll));
    }
    drainExpired();
    int active = 0;
    int initiated = 0;
    int failed = 0;
    for (ToolkitResult r : results.values()) {
      if (r.status() == Status.ACTIVE) {
        active++;
      } else if (r.status() == Status.INITIATED) {
        initiated++;
      } else {
        failed++;
      }
    }
    ManageConnectionsResult.Summary summary =
        new ManageConnectionsResult.Summary(results.size(), active, initiated, failed);
    return new ManageConnectionsResult(results, summary, message(summary), session.id(), session.instructions());
  }

  /**
   * Trims, lower-cases and de-duplicates (first seen wins) the requested slugs.
   *
   * @throws IllegalArgumentException naming the problem when the list is null, empty, too long
   *     or holds a null, blank or absurdly long entry
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
    LinkedHashSet<String> slugs = new LinkedHashSet<>();
    for (int i = 0; i < toolkits.size(); i++) {
      String raw = toolkits.get(i);
      if (raw == null || raw.isBlank()) {
        throw new IllegalArgumentException("toolkits[" + i + "] is " + (raw == null ? "null" : "blank")
            + "; every entry must be a toolkit slug such as \"gmail\"");
      }
      if (raw.length() > 4 * Slugs.MAX_LENGTH) {
        throw new IllegalArgumentException("toolkits[" + i + "] is " + raw.length()
            + " characters long; toolkit slugs have at most " + Slugs.MAX_LENGTH);
      }
      slugs.add(Slugs.normalize(raw));
    }
    return List.copyOf(slugs);
  }

  private static String message(ManageConnectionsResult.Summary s) {
    if (s.activeConnections() == s.totalToolkits()) {
      return "All connections are active";
    }
    if (s.initiatedConnections() == s.totalToolkits()) {
      return "All connections have been initiated and are pending completion";
    }
    return s.activeConnections() + " active, " + s.initiatedConnections() + " initiated and "
        + s.failedConnections() + " failed, out of " + s.totalToolkits() + " toolkits";
  }

  private ToolkitResult manageOne(SessionRecord session, String slug, boolean reinitiate) {
    Optional<ProviderRegistry.Entry> found = registry.find(slug);
    if (found.isEmpty()) {
      return ToolkitResult.failed(slug, "Toolkit '" + Slugs.abbreviate(slug) + "' was not found. "
          + "Available toolkits: " + registry.describeAvailable(enabledSlugs(session)) + ".");
    }
    ProviderRegistry.Entry entry = found.get();
    ToolkitDescriptor d = entry.descriptor();
    if (!session.options().allows(slug)) {
      return ToolkitResult.failed(slug, "Toolkit '" + slug + "' is not enabled in this session. Enabled "
          + "toolkits: " + registry.describeAvailable(enabledSlugs(session)) + ".");
    }
    if (d.isNoAuth()) {
      return ToolkitResult.noAuth(slug);
    }
    Optional<String> pinnedId = session.options().pinnedAccount(slug);
    if (pinnedId.isPresent()) {
      Optional<AccountRecord> pinned = account(pinnedId.get());
      if (pinned.isPresent() && pinned.get().status() == ACTIVE && !reinitiate) {
        return ToolkitResult.active(slug, pinned.get());
      }
      return ToolkitResult.failed(slug, "This session is pinned to account " + pinnedId.get() + " for '"
          + slug + "', which is " + pinned.map(a -> a.status().name()).orElse("deleted")
          + "; the host must reconnect it or create a session without the pin.");
    }
    if (!reinitiate) {
      // The hot path of every agent tool call: an ACTIVE account answers without taking the lock.
      AccountRecord active = latestActive(store.snapshot(session.userId(), d.slug()));
      if (active != null) {
        return ToolkitResult.active(slug, active);
      }
    }
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    ToolkitResult result;
    try {
      result = store.withSlot(session.userId(), slug, true, slot -> {
        expireDue(slot, now, changes);
        Optional<AccountRecord> active = latestActive(slot);
        if (active.isPresent() && !reinitiate) {
          return ToolkitResult.active(slug, active.get());
        }
        Optional<AccountRecord> pending = pending(slot);
        if (pending.isPresent() && !reinitiate) {
          return ToolkitResult.initiated(slug, d.name(), pending.get(), Optional.empty());
        }
        AccountRecord created = newLink(session, entry, slot, session.options().callbackUrl().orElse(null),
            now, changes);
        return ToolkitResult.initiated(slug, d.name(), created, Optional.of(active.isPresent()));
      });
    } catch (LinkCreationException e) {
      result = ToolkitResult.failed(slug, e.getMessage());
    }
    publish(changes);
    return result;
  }

  private List<String> enabledSlugs(SessionRecord session) {
    return registry.slugs().stream().filter(session.options()::allows).collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- authorize

  ConnectionRequest authorize(SessionRecord session, String toolkit, URI callbackUrl) {
    ProviderRegistry.Entry entry = requireAuthorizable(session, toolkit);
    String slug = entry.descriptor().slug();
    URI callback = callbackUrl != null ? callbackUrls.validate(callbackUrl)
        : session.options().callbackUrl().orElse(null);
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    AccountRecord created;
    try {
      created = store.withSlot(session.userId(), slug, true, slot -> {
        expireDue(slot, now, changes);
        return newLink(session, entry, slot, callback, now, changes);
      });
    } finally {
      publish(changes);
      drainExpired();
    }
    return new ConnectionRequest(this, created.id(), slug, created.redirectUrl(), created.linkExpiresAt());
  }

  /** The toolkit's entry when the session may connect a new account for it; else a clear exception. */
  private ProviderRegistry.Entry requireAuthorizable(SessionRecord session, String toolkit) {
    Objects.requireNonNull(toolkit, "toolkit");
    String slug = Slugs.normalize(toolkit);
    ProviderRegistry.Entry entry = registry.find(slug).orElseThrow(() -> new UnknownToolkitException(slug, "Toolkit '" + Slugs.abbreviate(slug)
            + "' is not served by any provider of this engine; available toolkits: "
            + registry.describeAvailable(registry.slugs()) + ". Add a provider that serves it."));
    if (!session.options().allows(slug)) {
      throw new ToolkitNotEnabledException(slug, "Toolkit '" + slug + "' is not enabled in session "
          + session.id() + "; create the session with it in SessionOptions.builder().toolkits(...)");
    }
    if (entry.descriptor().isNoAuth()) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' needs no authorization; it is always active");
    }
    session.options().pinnedAccount(slug).ifPresent(pinned -> {
      throw new IllegalStateException("Session " + session.id() + " pins account " + pinned + " for '" + slug
          + "'; create a session without the pin to connect another account");
    });
    return entry;
  }

  /**
   * Builds a link and records the new INITIATED account, superseding the pair's previous pending
   * link. Runs inside the slot lock; writes nothing unless the provider built the link.
   */
  private AccountRecord newLink(SessionRecord session, ProviderRegistry.Entry entry, EngineStore.Slot slot,
      URI callbackUrl, Instant now, Changes changes) {
    ToolkitDescriptor d = entry.descriptor();
    requireRoomForAnother(session, d, slot);
    if ((d.authScheme() == AuthScheme.OAUTH2 || d.authScheme() == AuthScheme.OAUTH1) && redirectUri == null) {
      throw new LinkCreationException(d.slug(), "Cannot connect '" + d.slug() + "': the engine has no "
          + "redirect URI; set Tether.builder().redirectUri(...) to the host's OAuth callback endpoint");
    }
    if (!d.fields().isEmpty() && connectBaseUrl == null) {
      throw new LinkCreationException(d.slug(), "Cannot connect '" + d.slug() + "': it collects "
          + d.fields().stream().map(ConnectionField::name).collect(Collectors.joining(", "))
          + " through a connect-link form; set Tether.builder().connectBaseUrl(...) and serve that form");
    }
    Ids.LinkSecrets secrets = ids.link();
    String accountId = secrets.accountId();
    // A toolkit with form fields builds its provider link only once the form is submitted.
    AuthorizationLink link = d.fields().isEmpty()
        ? buildLink(entry, session.userId(), secrets.state(), secrets.verifier(), Map.of(), now) : null;
    Instant expiresAt = now.plus(linkTtl);
    String shown = connectBaseUrl == null ? link.urlString() : connectLinkUrl(secrets.linkId());
    pending(slot).ifPresent(old ->
        transition(slot, old, new AccountEvent.Superseded(accountId), now, changes));
    Transition t = AccountStateMachine.initiate(accountId, session.userId(), d.slug(),
        !session.options().multiAccount(), secrets.linkId(), expiresAt, shown, now);
    slot.put(t.next());
    t.change().ifPresent(changes::add);
    store.putFlow(new PendingFlow(secrets.key(), accountId, session.userId(), d.slug(), secrets.state(),
        secrets.verifier(), redirectUriOrBlank(), callbackUrl, link, d.fields(), expiresAt,
        !session.options().multiAccount()));
    return t.next();
  }

  private URI redirectUriOrBlank() {
    return redirectUri == null ? URI.create("about:blank") : redirectUri;
  }

  /** Asks the provider for its authorization link, turning every failure into a LinkCreationException. */
  private AuthorizationLink buildLink(ProviderRegistry.Entry entry, String userId, Secret state, Secret verifier,
      Map<String, String> connectionFields, Instant now) {
    String slug = entry.descriptor().slug();
    try {
      return Objects.requireNonNull(entry.provider().authorize(new AuthorizationRequest(slug, userId, state,
          Ids.challenge(verifier), redirectUriOrBlank(), List.of(), connectionFields, now)),
          "provider returned no link");
    } catch (ProviderException e) {
      throw new LinkCreationException(slug, "Cannot connect '" + slug + "': " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "Provider " + entry.provider().getClass().getName()
          + " failed to build a link for '" + slug + "' (" + e.getClass().getName() + ")");
      throw new LinkCreationException(slug, "Cannot connect '" + slug + "': its provider failed to "
          + "build a link (" + e.getClass().getSimpleName() + "); see the log");
    }
  }

  private static void requireRoomForAnother(SessionRecord session, ToolkitDescriptor d, EngineStore.Slot slot) {
    int max = session.options().maxAccountsPerToolkit();
    if (session.options().multiAccount()) {
      long kept = slot.accounts().stream().filter(a -> a.status() == ACTIVE || a.status() == INACTIVE).count();
      if (kept >= max) {
        throw new LinkCreationException(d.slug(), "User '" + session.userId() + "' already has " + kept
            + " '" + d.slug() + "' accounts, this session's maximum; delete one before connecting another");
      }
    }
  }

  private String connectLinkUrl(String linkId) {
    String base = connectBaseUrl.toString();
    return base.endsWith("/") ? base + linkId : base + "/" + linkId;
  }

  Optional<ConnectLink> connectLink(String linkId) {
    if (linkId == null || linkId.length() > 64) {
      return Optional.empty();
    }
    String key = Ids.keyOfLink(linkId.strip());
    Optional<PendingFlow> flow = key == null ? Optional.empty() : store.flow(key);
    Instant now = clock.instant();
    if (flow.isEmpty() || !now.isBefore(flow.get().expiresAt())) {
      return Optional.empty();
    }
    PendingFlow f = flow.get();
    String name = registry.find(f.toolkit()).map(e -> e.descriptor().name()).orElse(f.toolkit());
    return account(f.accountId())
        .filter(a -> a.status() == INITIATED)
        .map(a -> new ConnectLink(f.accountId(), f.toolkit(), name, f.link().map(AuthorizationLink::url),
            f.link().isPresent() ? List.of() : f.form()));
  }

  // ---------------------------------------------------------------- connect-link forms

  static final int MAX_FIELD_LENGTH = 4096;

  ConnectLinkResult submitConnectLink(String linkId, Map<String, String> values) {
    Objects.requireNonNull(values, "values");
    String key = linkId == null ? null : Ids.keyOfLink(linkId.strip());
    Optional<PendingFlow> found = key == null ? Optional.empty() : store.flow(key);
    if (found.isEmpty() || !clock.instant().isBefore(found.get().expiresAt())) {
      return new ConnectLinkResult(false, Optional.empty(), Optional.empty(), Optional.empty(),
          List.of("This connect link is unknown or has expired; ask for a new one."));
    }
    PendingFlow flow = found.get();
    try {
      CompletableFuture<CallbackResult> first = flow.claimed();
      if (first != null) {
        return formResult(flow, first.join()); // a double submit gets the first outcome
      }
      Optional<AccountRecord> account = account(flow.accountId());
      if (account.isEmpty() || account.get().status() != INITIATED) {
        return formResult(flow, finished(flow, account.orElse(null)));
      }
      if (flow.link().isPresent()) {
        // The form was submitted already (a double submit): send the browser on again.
        return new ConnectLinkResult(true, Optional.of(flow.accountId()), Optional.of(INITIATED),
            Optional.of(flow.link().get().url()), List.of());
      }
      List<String> problems = validateFields(flow.form(), values);
      if (!problems.isEmpty()) {
        return new ConnectLinkResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED),
            Optional.empty(), problems);
      }
      Map<String, String> submitted = onlyFormFields(flow.form(), values);
      ProviderRegistry.Entry entry = registry.find(flow.toolkit()).orElseThrow();
      if (entry.descriptor().isFormBased()) {
        return completeWithTypedCredentials(flow, entry, submitted);
      }
      AuthorizationLink link;
      try {
        link = flow.linkOnce(buildLink(entry, flow.userId(), flow.state(), flow.verifier(), submitted,
            clock.instant()));
      } catch (LinkCreationException e) {
        return new ConnectLinkResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED),
            Optional.empty(), List.of(e.getMessage()));
      }
      return new ConnectLinkResult(true, Optional.of(flow.accountId()), Optional.of(INITIATED),
          Optional.of(link.url()), List.of());
    } finally {
      drainExpired();
    }
  }

  private ConnectLinkResult completeWithTypedCredentials(PendingFlow flow, ProviderRegistry.Entry entry,
      Map<String, String> submitted) {
    CompletableFuture<CallbackResult> mine = new CompletableFuture<>();
    CompletableFuture<CallbackResult> first = flow.claim(mine);
    if (first != null) {
      return formResult(flow, first.join());
    }
    Credentials credentials;
    try {
      credentials = typedCredentials(entry, flow.userId(), submitted);
    } catch (ProviderException e) {
      // A typo in a key is the user's to fix: the form stays open.
      mine.complete(CallbackResult.rejected(e.errorCode()));
      flow.release(mine);
      return new ConnectLinkResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED),
          Optional.empty(), List.of(e.getMessage()));
    }
    CallbackResult result = activate(flow, credentials);
    mine.complete(result);
    return formResult(flow, result);
  }

  private static ConnectLinkResult formResult(PendingFlow flow, CallbackResult r) {
    return new ConnectLinkResult(r.successful(), Optional.of(flow.accountId()), r.status(), r.redirectUrl(),
        r.successful() ? List.of() : List.of("This connect link can no longer be used ("
            + r.error().orElse("link_expired") + "); ask for a new one."));
  }

  private Credentials typedCredentials(ProviderRegistry.Entry entry, String userId, Map<String, String> fields) {
    String slug = entry.descriptor().slug();
    try {
      return Objects.requireNonNull(entry.provider().connect(new ConnectRequest(slug, userId, fields,
          clock.instant())), "provider returned no credentials");
    } catch (ProviderException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "Provider " + entry.provider().getClass().getName()
          + " failed to accept typed credentials for '" + slug + "' (" + e.getClass().getName() + ")");
      throw ProviderException.definitive("provider_error", "The provider of '" + slug
          + "' could not accept these credentials; see the log");
    }
  }

  /** One message per missing or malformed field; never a value. */
  static List<String> validateFields(List<ConnectionField> form, Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    for (ConnectionField f : form) {
      String v = values.get(f.name());
      if (v == null || v.isBlank()) {
        if (f.required()) {
          problems.add(f.label() + " (" + f.name() + ") is required.");
        }
      } else if (v.length() > MAX_FIELD_LENGTH) {
        problems.add(f.label() + " (" + f.name() + ") is longer than " + MAX_FIELD_LENGTH + " characters.");
      } else if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        problems.add(f.label() + " (" + f.name() + ") must not contain control characters.");
      }
    }
    return problems;
  }

  private static Map<String, String> onlyFormFields(List<ConnectionField> form, Map<String, String> values) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConnectionField f : form) {
      String v = values.get(f.name());
      if (v != null && !v.isBlank()) {
        out.put(f.name(), v.strip());
      }
    }
    return out;
  }

  /** (new) → ACTIVE with credentials the host passes directly (API key, bearer, basic). */
  ConnectedAccount connect(SessionRecord session, String toolkit, Map<String, String> values) {
    Objects.requireNonNull(values, "fields");
    ProviderRegistry.Entry entry = requireAuthorizable(session, toolkit);
    ToolkitDescriptor d = entry.descriptor();
    if (!d.isFormBased()) {
      throw new IllegalArgumentException("Toolkit '" + d.slug() + "' uses " + d.authScheme()
          + ", not typed credentials; connect it with session.authorize(\"" + d.slug() + "\")");
    }
    List<String> problems = validateFields(d.fields(), values);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Cannot connect '" + d.slug() + "': " + String.join(" ", problems));
    }
    Credentials credentials;
    try {
      credentials = typedCredentials(entry, session.userId(), onlyFormFields(d.fields(), values));
    } catch (ProviderException e) {
      throw new IllegalArgumentException("Cannot connect '" + d.slug() + "': " + e.getMessage());
    }
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    AccountRecord created = store.withSlot(session.userId(), d.slug(), true, slot -> {
      expireDue(slot, now, changes);
      requireRoomForAnother(session, d, slot);
      Transition t = AccountStateMachine.createActive(ids.accountId(), session.userId(), d.slug(),
          !session.options().multiAccount(), credentials, now);
      slot.put(t.next());
      t.change().ifPresent(changes::add);
      if (!session.options().multiAccount()) {
        supersedeOtherActive(slot, t.next().id(), now, changes);
      }
      return t.next();
    });
    publish(changes);
    drainExpired();
    return created.view();
  }

  // ---------------------------------------------------------------- callback

  CallbackResult handleCallback(Map<String, String> params) {
    Objects.requireNonNull(params, "params");
    try {
      String state = params.get("state");
      if (state == null || state.isEmpty()) {
        return CallbackResult.rejected("missing_state");
      }
      String key = Ids.keyOf(state);
      Optional<PendingFlow> found = key == null ? Optional.empty() : store.flow(key);
      if (found.isEmpty() || !Ids.sameState(found.get().state(), state)
          || !clock.instant().isBefore(found.get().expiresAt())) {
        return CallbackResult.rejected("unknown_state");
      }
      PendingFlow flow = found.get();
      ProviderRegistry.Entry entry = registry.find(flow.toolkit()).orElseThrow();
      boolean hasError = params.containsKey("error");
      String grantParameter = entry.provider().grantParameter(flow.toolkit());
      String grant = params.get(grantParameter);
      if (!hasError && (grant == null || grant.isEmpty())) {
        return CallbackResult.rejected("missing_" + ProviderException.sanitize(grantParameter));
      }
      if (flow.link().isEmpty()) {
        return CallbackResult.rejected("unknown_state"); // its form was never submitted
      }
      CompletableFuture<CallbackResult> mine = new CompletableFuture<>();
      CompletableFuture<CallbackResult> first = flow.claim(mine);
      if (first != null) {
        return first.join();
      }
      Outcome outcome;
      try {
        outcome = complete(flow, entry, params, hasError);
      } catch (RuntimeException | Error e) {
        mine.complete(CallbackResult.rejected("internal_error"));
        flow.release(mine);
        throw e;
      }
      mine.complete(outcome.result);
      if (outcome.retryable) {
        flow.release(mine);
      }
      return outcome.result;
    } finally {
      drainExpired();
    }
  }

  private record Outcome(CallbackResult result, boolean retryable) {}

  private Outcome complete(PendingFlow flow, ProviderRegistry.Entry entry, Map<String, String> params,
      boolean hasError) {
    String iss = params.get("iss");
    Optional<String> expected = issuerOf(entry, flow.toolkit());
    if (expected.isPresent()) {
      if (iss == null ? requiresIssuer(entry, flow.toolkit()) : !expected.get().equals(iss)) {
        return new Outcome(fail(flow, iss == null ? "missing_issuer" : "issuer_mismatch"), false);
      }
    }
    if (hasError) {
      return new Outcome(fail(flow, ProviderException.sanitize(params.get("error"))), false);
    }
    Optional<AccountRecord> before = store.account(flow.accountId());
    if (before.isEmpty() || before.get().status() != INITIATED) {
      return new Outcome(finished(flow, before.orElse(null)), false);
    }
    Credentials credentials;
    try {
      Map<String, String> callbackParams = new LinkedHashMap<>(params);
      callbackParams.remove("state");
      credentials = Objects.requireNonNull(entry.provider().exchange(new ExchangeRequest(flow.toolkit(),
          flow.userId(), callbackParams, flow.redirectUri(), flow.verifier(), flow.flowState(), clock.instant())),
          "provider returned no credentials");
    } catch (ProviderException e) {
      if (!e.isDefinitive()) {
        LOG.log(System.Logger.Level.INFO, () -> "Exchange for " + flow.accountId() + " ('" + flow.toolkit()
            + "') failed transiently: " + e.errorCode() + "; the user may retry the callback");
        return new Outcome(result(flow, false, INITIATED, e.errorCode()), true);
      }
      return new Outcome(fail(flow, e.errorCode()), false);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "Provider " + entry.provider().getClass().getName()
          + " failed to exchange the callback for " + flow.accountId() + " (" + e.getClass().getName() + ")");
      return new Outcome(fail(flow, "provider_error"), false);
    }
    return new Outcome(activate(flow, credentials), false);
  }

  /** INITIATED → ACTIVE unless the link expired or was superseded meanwhile (then the credentials are dropped). */
  private CallbackResult activate(PendingFlow flow, Credentials credentials) {
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    AccountRecord after = store.withSlot(flow.userId(), flow.toolkit(), true, slot -> {
      Optional<AccountRecord> current = find(slot, flow.accountId());
      if (current.isEmpty() || current.get().status() != INITIATED) {
        return current.orElse(null);
      }
      AccountRecord activated = transition(slot, current.get(), new AccountEvent.Activated(credentials), now, changes)
          .getOrElseThrow((String why) -> new IllegalStateException(why));
      if (flow.exclusive()) {
        supersedeOtherActive(slot, activated.id(), now, changes);
      }
      return activated;
    });
    publish(changes);
    if (after == null || after.status() != ACTIVE) {
      return finished(flow, after);
    }
    return result(flow, true, ACTIVE, null);
  }

  private Optional<String> issuerOf(ProviderRegistry.Entry entry, String toolkit) {
    try {
      return entry.provider().issuer(toolkit);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "Provider " + entry.provider().getClass().getName()
          + " failed to report its issuer (" + e.getClass().getName() + ")");
      return Optional.empty();
    }
  }

  /** Whether the provider requires {@code iss} on callbacks (RFC 9207 §2.4); a provider bug counts as yes. */
  private static boolean requiresIssuer(ProviderRegistry.Entry entry, String toolkit) {
    try {
      return entry.provider().requiresIssuer(toolkit);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "Provider " + entry.provider().getClass().getName()
          + " failed to say whether it requires an issuer (" + e.getClass().getName() + ")");
      return true;
    }
  }

  /** The account is no longer pending (expired, superseded, deleted): the callback fails. */
  private CallbackResult finished(PendingFlow flow, AccountRecord account) {
    if (account == null) {
      return result(flow, false, null, "account_deleted");
    }
    return result(flow, false, account.status(),
        account.statusReason() == null ? "link_expired" : account.statusReason());
  }

  private CallbackResult fail(PendingFlow flow, String reason) {
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    AccountRecord after = store.withSlot(flow.userId(), flow.toolkit(), true, slot ->
        find(slot, flow.accountId())
            .map(current -> transition(slot, current, new AccountEvent.Failed(reason), now, changes)
                .getOrElse(current))
            .orElse(null));
    publish(changes);
    if (after == null || after.status() != ConnectionStatus.FAILED) {
      return finished(flow, after);
    }
    return result(flow, false, ConnectionStatus.FAILED, reason);
  }

  private static CallbackResult result(PendingFlow flow, boolean success, ConnectionStatus status, String error) {
    Optional<URI> redirect = Optional.ofNullable(flow.callbackUrl())
        .map(url -> CallbackUrls.append(url, success ? "success" : "failed", flow.accountId()));
    return new CallbackResult(success, Optional.of(flow.accountId()), Optional.ofNullable(status), redirect,
        Optional.ofNullable(error));
  }

  // ---------------------------------------------------------------- accounts

  /** The account with any due link expiry applied first, so reads never show a stale INITIATED. */
  Optional<AccountRecord> account(String id) {
    Optional<AccountRecord> r = store.account(id);
    if (r.isPresent() && r.get().linkExpiredAt(clock.instant())) {
      expireLink(r.get());
      r = store.account(id);
    }
    return r;
  }

  List<ConnectedAccount> accounts(AccountQuery query) {
    Objects.requireNonNull(query, "query");
    cleanUp();
    List<AccountRecord> candidates = query.userId().map(store::accountsOf).orElseGet(store::allAccounts);
    return candidates.stream().filter(query::matches).map(AccountRecord::view).collect(Collectors.toList());
  }

  ConnectedAccount disable(String id) {
    return change(id, new AccountEvent.Disabled());
  }

  ConnectedAccount enable(String id) {
    return change(id, new AccountEvent.Enabled());
  }

  private ConnectedAccount change(String id, AccountEvent event) {
    AccountRecord r = account(id).orElseThrow(() -> new AccountNotFoundException(id));
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    AccountRecord after = store.withSlot(r.userId(), r.toolkit(), true, slot -> {
      AccountRecord current = find(slot, id).orElseThrow(() -> new AccountNotFoundException(id));
      AccountRecord next = transition(slot, current, event, now, changes).getOrElseThrow((String why) -> new IllegalStateException(why));
      if (event instanceof AccountEvent.Enabled && next.exclusive()) {
        supersedeOtherActive(slot, id, now, changes);
      }
      return next;
    });
    publish(changes);
    return after.view();
  }

  boolean delete(String id) {
    Optional<AccountRecord> r = store.account(id);
    if (r.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    boolean removed = store.withSlot(r.get().userId(), r.get().toolkit(), true, slot -> {
      Optional<AccountRecord> current = find(slot, id);
      current.ifPresent(c -> {
        slot.remove(id);
        changes.deleted(c);
      });
      return current.isPresent();
    });
    publish(changes);
    return removed;
  }

  // ---------------------------------------------------------------- credentials and refresh

  Credentials credentials(String id) {
    return credentials(id, refreshSkew);
  }

  /** @param margin refresh when the token expires within this (the skew, or more for proactive refresh) */
  private Credentials credentials(String id, Duration margin) {
    AccountRecord r = account(id).orElseThrow(() -> new AccountNotFoundException(id));
    if (r.status() != ACTIVE) {
      throw new CredentialsUnavailableException(id, r.status(), r.statusReason(), false, "Account " + id
          + " ('" + r.toolkit() + "') is " + r.status() + (r.statusReason() == null ? "" : " (" + r.statusReason() + ")")
          + "; connect it again with session.authorize(\"" + r.toolkit() + "\")");
    }
    if (!r.dueForRefresh(clock.instant(), margin)) {
      return r.credentials();
    }
    CompletableFuture<Credentials> mine = new CompletableFuture<>();
    CompletableFuture<Credentials> running = refreshes.putIfAbsent(id, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
      }
    }
    try {
      Credentials out = refresh(id, margin);
      mine.complete(out);
      return out;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      refreshes.remove(id, mine);
    }
  }

  /** Runs one refresh; the caller holds the account's single-flight slot. */
  private Credentials refresh(String id, Duration margin) {
    AccountRecord r = store.account(id).orElseThrow(() -> new AccountNotFoundException(id));
    Instant now = clock.instant();
    if (r.status() != ACTIVE || !r.dueForRefresh(now, margin)) {
      return credentialsOrThrow(r); // another caller refreshed or the account changed meanwhile
    }
    ProviderRegistry.Entry entry = registry.find(r.toolkit()).orElseThrow();
    Credentials fresh;
    try {
      fresh = Objects.requireNonNull(entry.provider().refresh(new RefreshRequest(r.toolkit(), r.userId(),
          r.credentials(), now)), "provider returned no credentials");
    } catch (ProviderException e) {
      return refreshFailed(r, e.errorCode(), e.isDefinitive(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "Provider " + entry.provider().getClass().getName()
          + " failed to refresh " + id + " (" + e.getClass().getName() + ")");
      return refreshFailed(r, "provider_error", false, "its provider failed; see the log");
    }
    if (fresh.refreshToken().isEmpty() && r.hasRefreshToken()) {
      fresh = fresh.toBuilder().refreshToken(r.credentials().refreshToken().get().reveal()).build();
    }
    Credentials stored = fresh;
    Instant at = clock.instant();
    Changes changes = new Changes(at);
    store.withSlot(r.userId(), r.toolkit(), true, slot -> find(slot, id)
        .map(current -> transition(slot, current, new AccountEvent.Refreshed(stored), at, changes)
            .peek(changes::refreshed))
        .orElse(null));
    publish(changes);
    return stored;
  }

  private Credentials refreshFailed(AccountRecord r, String code, boolean definitive, String message) {
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    changes.refreshFailed(r, code);
    if (definitive) {
      store.withSlot(r.userId(), r.toolkit(), true, slot -> find(slot, r.id())
          .map(current -> transition(slot, current, new AccountEvent.TokenExpired(code), now, changes))
          .orElse(null));
    }
    publish(changes);
    if (definitive) {
      throw new CredentialsUnavailableException(r.id(), ConnectionStatus.EXPIRED, code, false, "Account "
          + r.id() + " ('" + r.toolkit() + "') expired: its token could not be refreshed (" + code + "); connect "
          + "it again with session.authorize(\"" + r.toolkit() + "\")");
    }
    if (r.credentialsExpireAt().map(now::isBefore).orElse(true)) {
      return r.credentials(); // still valid for a little while: better than failing the caller
    }
    throw new CredentialsUnavailableException(r.id(), ACTIVE, code, true, "Refreshing account " + r.id()
        + " ('" + r.toolkit() + "') failed transiently (" + code + "): " + message + "; retry later");
  }

  private static Credentials credentialsOrThrow(AccountRecord r) {
    if (r.status() != ACTIVE) {
      throw new CredentialsUnavailableException(r.id(), r.status(), r.statusReason(), false, "Account " + r.id()
          + " ('" + r.toolkit() + "') is " + r.status() + "; connect it again");
    }
    return r.credentials();
  }

  /**
   * Refreshes every ACTIVE account whose token expires within the skew plus {@code lookahead};
   * failures are logged (and announced as events), never thrown.
   *
   * @return how many accounts were due
   */
  int refreshExpiring(Duration lookahead) {
    Duration margin = refreshSkew.plus(lookahead);
    Instant now = clock.instant();
    int due = 0;
    for (AccountRecord r : store.allAccounts()) {
      if (r.status() == ACTIVE && r.dueForRefresh(now, margin)) {
        due++;
        try {
          credentials(r.id(), margin);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, () -> "Proactive refresh of " + r.id() + " failed: " + e.getMessage());
        }
      }
    }
    return due;
  }

  // ---------------------------------------------------------------- waiting

  /** Completes when the account becomes ACTIVE; fails when it ends any other way. */
  CompletableFuture<ConnectedAccount> completion(String accountId) {
    CompletableFuture<ConnectedAccount> future = waiters.computeIfAbsent(accountId, k -> new CompletableFuture<>());
    settle(accountId, account(accountId).orElse(null));
    return future;
  }

  /** Expires the account's link now if its TTL has passed by the engine clock. */
  void expireIfDue(String accountId) {
    account(accountId);
  }

  private void settle(String accountId, AccountRecord r) {
    if (r != null && r.status() == INITIATED) {
      return;
    }
    CompletableFuture<ConnectedAccount> future = waiters.remove(accountId);
    if (future == null) {
      return;
    }
    if (r != null && r.status() == ACTIVE) {
      future.complete(r.view());
    } else {
      future.completeExceptionally(new ConnectionRequestFailedException(accountId,
          r == null ? null : r.status(), r == null ? "deleted" : r.statusReason()));
    }
  }

  // ---------------------------------------------------------------- expiry

  void cleanUp() {
    store.cleanUp();
    drainExpired(Integer.MAX_VALUE);
  }

  /** Links a caller expires on its way out: enough to keep up, never a long pause for one caller. */
  static final int DRAIN_PER_CALL = 8;

  private void drainExpired() {
    drainExpired(DRAIN_PER_CALL);
  }

  private void drainExpired(int limit) {
    String id;
    for (int i = 0; i < limit && (id = expiredLinks.poll()) != null; i++) {
      store.account(id).filter(r -> r.status() == INITIATED).ifPresent(this::expireLink);
    }
  }

  private void expireLink(AccountRecord r) {
    Instant now = clock.instant();
    Changes changes = new Changes(now);
    store.withSlot(r.userId(), r.toolkit(), true, slot -> {
      expireDue(slot, now, changes);
      return null;
    });
    publish(changes);
  }

  /**
   * Expires due links, and forgets links that ended without ever connecting (FAILED or EXPIRED,
   * no credentials) once their TTL has passed again: nothing can happen to them any more, and
   * keeping them would let a user who keeps asking for links slow down every later call.
   */
  private void expireDue(EngineStore.Slot slot, Instant now, Changes changes) {
    for (AccountRecord a : slot.accounts()) {
      if (a.linkExpiredAt(now)) {
        transition(slot, a, new AccountEvent.LinkExpired(), now, changes);
      } else if (a.abandonedLongerThan(linkTtl, now)) {
        slot.remove(a.id());
      }
    }
  }

  // ---------------------------------------------------------------- slot helpers

  private static Either<String, AccountRecord> transition(EngineStore.Slot slot, AccountRecord current,
      AccountEvent event, Instant now, Changes changes) {
    return AccountStateMachine.apply(current, event, now).map(t -> {
      slot.put(t.next());
      t.change().ifPresent(changes::add);
      return t.next();
    });
  }

  /** Single-account mode: {@code keptId} becomes the pair's only ACTIVE account. */
  private static void supersedeOtherActive(EngineStore.Slot slot, String keptId, Instant now, Changes changes) {
    for (AccountRecord other : slot.accounts()) {
      if (other.status() == ACTIVE && !other.id().equals(keptId)) {
        transition(slot, other, new AccountEvent.Superseded(keptId), now, changes);
      }
    }
  }

  private static Optional<AccountRecord> find(EngineStore.Slot slot, String id) {
    return slot.accounts().stream().filter(a -> a.id().equals(id)).findFirst();
  }

  private static Optional<AccountRecord> pending(EngineStore.Slot slot) {
    return slot.accounts().stream().filter(a -> a.status() == INITIATED).reduce((a, b) -> b);
  }

  /** The most recently connected ACTIVE account. */
  private static Optional<AccountRecord> latestActive(EngineStore.Slot slot) {
    return Optional.ofNullable(latestActive(slot.accounts()));
  }

  private static AccountRecord latestActive(List<AccountRecord> accounts) {
    AccountRecord best = null;
    for (AccountRecord a : accounts) {
      if (a.status() == ACTIVE && (best == null || a.connectedOrCreatedNanos() >= best.connectedOrCreatedNanos())) {
        best = a;
      }
    }
    return best;
  }

  private static Optional<AccountRecord> latest(EngineStore.Slot slot) {
    List<AccountRecord> all = slot.accounts();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  private static void requireUserId(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (userId.isBlank() || userId.length() > 256) {
      throw new IllegalArgumentException("userId must be 1 to 256 non-blank characters, got '"
          + Slugs.abbreviate(userId) + "'");
    }
  }

  // ---------------------------------------------------------------- publishing

  /**
   * What one call changed, announced once its lock is released. Keeps the records, not events:
   * the events (and their account snapshots) are built only when someone listens.
   */
  private static final class Changes {
    private final Instant now;
    private List<Change> changes;

    private record Change(ConnectionEvent.Type type, AccountRecord account, Optional<ConnectionStatus> from,
        Optional<String> code) {
      ConnectionEvent event(Instant now) {
        return new ConnectionEvent(type, account.view(), from, code, now);
      }
    }

    Changes(Instant now) {
      this.now = now;
    }

    private void add(Change change) {
      if (changes == null) {
        changes = new ArrayList<>(2);
      }
      changes.add(change);
    }

    void add(StatusChange change) {
      add(new Change(ConnectionEvent.Type.STATUS_CHANGED, change.account(), change.from(), Optional.empty()));
    }

    void refreshed(AccountRecord r) {
      add(new Change(ConnectionEvent.Type.TOKEN_REFRESHED, r, Optional.of(r.status()), Optional.empty()));
    }

    void refreshFailed(AccountRecord r, String code) {
      add(new Change(ConnectionEvent.Type.REFRESH_FAILED, r, Optional.of(r.status()), Optional.of(code)));
    }

    void deleted(AccountRecord r) {
      add(new Change(ConnectionEvent.Type.DELETED, r, Optional.of(r.status()), Optional.empty()));
    }
  }

  private void publish(Changes changes) {
    if (changes.changes == null) {
      return;
    }
    boolean listened = !listeners.isEmpty();
    for (Changes.Change change : changes.changes) {
      String id = change.account().id();
      if (waiters.containsKey(id)) { // a waiter registering later checks the current state itself
        if (change.type() == ConnectionEvent.Type.DELETED) {
          settle(id, null);
        } else if (change.type() == ConnectionEvent.Type.STATUS_CHANGED) {
          settle(id, store.account(id).orElse(null));
        }
      }
      if (listened) {
        listeners.publish(change.event(changes.now));
      }
    }
  }
}
