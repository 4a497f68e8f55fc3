package dev.tether.core;

import dev.tether.core.ConnectionRules.LinkDecision;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredFlow;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.spi.ToolkitDescriptor;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Issues links: draws the secrets, asks the provider for its URL (outside any lock or commit: a
 * provider may call its upstream, as OAuth 1.0a's does), then commits the new INITIATED account
 * and its flow, superseding the pair's pending link. When the slot changed meanwhile the decision
 * is made again; the built link is dropped if an existing one answers instead. Thread-safe.
 */
final class LinkIssuer {
  private final EngineConfig config;
  private final ConnectionStore store;
  private final Ids ids;
  private final SlotTransaction tx;
  /**
   * (user, toolkit, the session's room) → the link being issued for a request that reuses an
   * existing one. An agent often asks for the same toolkit in parallel tool calls; they share one
   * provider call. The room is part of the key: a session allowed more or fewer accounts may be
   * answered differently (a "no room" refusal is one session's, not the user's).
   */
  private final ConcurrentHashMap<String, CompletableFuture<LinkDecision>> reusing = new ConcurrentHashMap<>();

  LinkIssuer(EngineConfig config, ConnectionStore store, Ids ids, SlotTransaction tx) {
    this.config = config;
    this.store = store;
    this.ids = ids;
    this.tx = tx;
  }

  /**
   * {@code session.authorize}: a new link, superseding the pair's pending one.
   *
   * @param callbackUrl the caller's own callback URL (validated here), or null for the session's
   * @return the new INITIATED account
   */
  dev.tether.core.store.StoredAccount authorize(StoredSession session, ProviderRegistry registry, String toolkit,
      URI callbackUrl, Instant now) {
    ProviderRegistry.Entry entry = registry.authorizable(session.id(), session.options(), toolkit);
    URI callback = callbackUrl != null ? config.callbackUrls().validate(callbackUrl)
        : session.options().callbackUrl().orElse(null);
    return ((LinkDecision.Issued) issue(session, entry, callback, false, now)).account();
  }

  /**
   * A new link for the session's user.
   *
   * @param callbackUrl where the user lands afterwards, already validated, or null
   * @param reuseExisting let an ACTIVE account or the pending link answer instead (the meta-tool)
   * @throws LinkCreationException when no link can be built; nothing is stored then
   */
  LinkDecision issue(StoredSession session, ProviderRegistry.Entry entry, URI callbackUrl, boolean reuseExisting,
      Instant now) {
    if (!reuseExisting) {
      return issueNow(session, entry, callbackUrl, false, now);
    }
    String pair = session.userId() + '\u0000' + entry.descriptor().slug() + '\u0000'
        + session.options().maxAccountsPerToolkit();
    CompletableFuture<LinkDecision> mine = new CompletableFuture<>();
    CompletableFuture<LinkDecision> running = reusing.putIfAbsent(pair, mine);
    if (running != null) {
      LinkDecision theirs;
      try {
        theirs = running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
      }
      // Their new link is, for this request, the pending link that answers it.
      return theirs instanceof LinkDecision.Issued ? new LinkDecision.Pending(((LinkDecision.Issued) theirs).account())
          : theirs;
    }
    try {
      LinkDecision decided = issueNow(session, entry, callbackUrl, true, now);
      mine.complete(decided);
      return decided;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      reusing.remove(pair, mine);
    }
  }

  private LinkDecision issueNow(StoredSession session, ProviderRegistry.Entry entry, URI callbackUrl,
      boolean reuseExisting, Instant now) {
    ToolkitDescriptor d = entry.descriptor();
    if ((d.authScheme() == AuthScheme.OAUTH2 || d.authScheme() == AuthScheme.OAUTH1) && config.redirectUri() == null) {
      throw new LinkCreationException(d.slug(), "Cannot connect '" + d.slug() + "': the engine has no "
          + "redirect URI; set Tether.builder().redirectUri(...) to the host's OAuth callback endpoint");
    }
    if (!d.fields().isEmpty() && config.connectBaseUrl() == null) {
      throw new LinkCreationException(d.slug(), "Cannot connect '" + d.slug() + "': it collects "
          + d.fields().stream().map(ConnectionField::name).collect(Collectors.joining(", "))
          + " through a connect-link form; set Tether.builder().connectBaseUrl(...) and serve that form");
    }
    if (reuseExisting) {
      // A request that finished a moment ago may have left what answers this one: no provider call.
      java.util.List<dev.tether.core.store.StoredAccount> current = store.slot(session.userId(), d.slug()).accounts();
      Optional<dev.tether.core.store.StoredAccount> active = ConnectionRules.latestActive(current);
      if (active.isPresent()) {
        return new LinkDecision.Active(active.get());
      }
      Optional<dev.tether.core.store.StoredAccount> pending = ConnectionRules.pending(current);
      if (pending.isPresent() && !pending.get().linkExpiredAt(now)) {
        return new LinkDecision.Pending(pending.get());
      }
    }
    Ids.LinkSecrets secrets = ids.link();
    // A toolkit with form fields builds its provider link only once the form is submitted.
    AuthorizationLink link = d.fields().isEmpty()
        ? build(entry, session.userId(), secrets.state(), secrets.verifier(), Map.of(), now) : null;
    Instant expiresAt = now.plus(config.linkTtl());
    String shown = config.connectBaseUrl() == null ? link.urlString() : config.connectLinkUrl(secrets.linkId());
    int room = session.options().maxAccountsPerToolkit();
    StoredFlow flow = new StoredFlow(secrets.key(), secrets.accountId(), session.userId(), d.slug(), secrets.state(),
        secrets.verifier(), config.redirectUriOrBlank(), Optional.ofNullable(callbackUrl), Optional.ofNullable(link),
        link == null ? d.fields() : List.of(), expiresAt, room == 1);
    ConnectionRules.LinkRequest request = new ConnectionRules.LinkRequest(secrets.accountId(), secrets.linkId(),
        expiresAt, shown, reuseExisting, room);
    LinkDecision decision = tx.run(session.userId(), d.slug(), now, draft -> {
      LinkDecision decided = ConnectionRules.issueLink(draft, request, config.linkTtl());
      if (decided instanceof LinkDecision.Issued && !draft.isEmpty()) { // empty: issued by a commit retried
        draft.addFlow(flow);
      }
      return decided;
    });
    if (decision instanceof LinkDecision.NoRoom) {
      throw new LinkCreationException(d.slug(), ((LinkDecision.NoRoom) decision).message(session.userId(), d.slug()));
    }
    return decision;
  }

  /** Asks the provider for its authorization link; every failure becomes a LinkCreationException. */
  AuthorizationLink build(ProviderRegistry.Entry entry, String userId, Secret state, Secret verifier,
      Map<String, String> connectionFields, Instant now) {
    String slug = entry.descriptor().slug();
    try {
      return entry.provider().authorize(new AuthorizationRequest(slug, userId, state, Ids.challenge(verifier),
          config.redirectUriOrBlank(), List.of(), connectionFields, now));
    } catch (ProviderException e) {
      throw new LinkCreationException(slug, "Cannot connect '" + slug + "': " + e.getMessage());
    }
  }
}
