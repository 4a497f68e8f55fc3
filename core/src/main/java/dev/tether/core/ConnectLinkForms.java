package dev.tether.core;

import static dev.tether.core.ConnectionStatus.INITIATED;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.ToolkitDescriptor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Connect links ({@code {connectBaseUrl}/ln_…}) and typed credentials: resolving a link, taking the
 * values a user typed into its form (an API key connects at once; a per-connection value such as a
 * subdomain leads on to the provider), and {@code session.connect} for values the host already
 * has. A malformed value is the user's to fix: the form stays open. Thread-safe.
 */
final class ConnectLinkForms {
  static final int MAX_FIELD_LENGTH = 4096;

  private final EngineConfig config;
  private final ProviderRegistry registry;
  private final ConnectionStore store;
  private final SlotTransaction tx;
  private final LinkIssuer links;
  private final CallbackCompleter callbacks;
  private final Ids ids;

  ConnectLinkForms(EngineConfig config, ProviderRegistry registry, ConnectionStore store, SlotTransaction tx,
      LinkIssuer links, CallbackCompleter callbacks, Ids ids) {
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.tx = tx;
    this.links = links;
    this.callbacks = callbacks;
    this.ids = ids;
  }

  Optional<ConnectLink> connectLink(String linkId, Instant now) {
    Optional<StoredFlow> found = live(linkId, now);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    StoredFlow f = found.get();
    String name = registry.find(f.toolkit()).map(e -> e.descriptor().name()).orElse(f.toolkit());
    return store.account(f.accountId())
        .filter(a -> a.status() == INITIATED && !a.linkExpiredAt(now))
        .map(a -> new ConnectLink(f.accountId(), f.toolkit(), name, f.link().map(AuthorizationLink::url),
            f.link().isPresent() ? List.of() : f.form()));
  }

  /** The flow behind a link id while its link lives. */
  private Optional<StoredFlow> live(String linkId, Instant now) {
    if (linkId == null || linkId.length() > 64) {
      return Optional.empty();
    }
    String key = Ids.keyOfLink(linkId.strip());
    Optional<StoredFlow> flow = key == null ? Optional.empty() : store.flow(key);
    return flow.filter(f -> now.isBefore(f.expiresAt()));
  }

  ConnectLinkResult submit(String linkId, Map<String, String> values, Instant now) {
    Objects.requireNonNull(values, "values");
    Optional<StoredFlow> found = live(linkId, now);
    if (found.isEmpty()) {
      return new ConnectLinkResult(false, Optional.empty(), Optional.empty(), Optional.empty(),
          List.of("This connect link is unknown or has expired; ask for a new one."));
    }
    StoredFlow flow = found.get();
    Optional<StoredAccount> account = store.account(flow.accountId());
    if (account.isEmpty() || account.get().status() != INITIATED || account.get().linkExpiredAt(now)) {
      // A double submit after the first connected (or the link ended): the first outcome again.
      return formResult(flow, CallbackCompleter.finished(flow, account.orElse(null)));
    }
    if (flow.link().isPresent()) {
      // The form was submitted already (a double submit): send the browser on again.
      return accepted(flow, flow.link().get());
    }
    List<String> problems = validateFields(flow.form(), values);
    if (!problems.isEmpty()) {
      return new ConnectLinkResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED), Optional.empty(),
          problems);
    }
    Map<String, String> submitted = onlyFormFields(flow.form(), values);
    ProviderRegistry.Entry entry = registry.find(flow.toolkit()).orElse(null);
    if (entry == null) {
      return new ConnectLinkResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED), Optional.empty(),
          List.of("This toolkit is no longer served; ask for a new link."));
    }
    if (entry.descriptor().isFormBased()) {
      return completeWithTypedCredentials(flow, entry, submitted, now);
    }
    AuthorizationLink built;
    try {
      built = links.build(entry, flow.userId(), flow.state(), flow.verifier(), submitted, now);
    } catch (LinkCreationException e) {
      return new ConnectLinkResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED), Optional.empty(),
          List.of(e.getMessage()));
    }
    return store.attachLink(flow.key(), built).map(inForce -> accepted(flow, inForce))
        .orElseGet(() -> new ConnectLinkResult(false, Optional.empty(), Optional.empty(), Optional.empty(),
            List.of("This connect link is unknown or has expired; ask for a new one.")));
  }

  private static ConnectLinkResult accepted(StoredFlow flow, AuthorizationLink link) {
    return new ConnectLinkResult(true, Optional.of(flow.accountId()), Optional.of(INITIATED), Optional.of(link.url()),
        List.of());
  }

  private ConnectLinkResult completeWithTypedCredentials(StoredFlow flow, ProviderRegistry.Entry entry,
      Map<String, String> submitted, Instant now) {
    List<String> rejected = new ArrayList<>(1);
    CallbackResult result = callbacks.once(flow, now, claimant -> {
      Credentials credentials;
      try {
        credentials = typedCredentials(entry, flow.userId(), submitted, now);
      } catch (ProviderException e) {
        // A typo in a key is the user's to fix: the flow is given back and the form stays open.
        rejected.add(e.getMessage());
        return CallbackCompleter.Outcome.retry(CallbackResult.rejected(e.errorCode()));
      }
      return callbacks.activate(flow, credentials, claimant);
    });
    if (!rejected.isEmpty()) {
      return new ConnectLinkResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED), Optional.empty(),
          rejected);
    }
    return formResult(flow, result);
  }

  private static ConnectLinkResult formResult(StoredFlow flow, CallbackResult r) {
    return new ConnectLinkResult(r.successful(), Optional.of(flow.accountId()), r.status(), r.redirectUrl(),
        r.successful() ? List.of() : List.of("This connect link can no longer be used ("
            + r.error().orElse("link_expired") + "); ask for a new one."));
  }

  private Credentials typedCredentials(ProviderRegistry.Entry entry, String userId, Map<String, String> fields,
      Instant now) {
    return entry.provider().connect(new ConnectRequest(entry.descriptor().slug(), userId, fields, now));
  }

  /** (new) → ACTIVE with credentials the host passes directly (API key, bearer, basic). */
  ConnectedAccount connect(StoredSession session, String toolkit, Map<String, String> values, Instant now) {
    Objects.requireNonNull(values, "fields");
    ProviderRegistry.Entry entry = registry.authorizable(session.id(), session.options(), toolkit);
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
      credentials = typedCredentials(entry, session.userId(), onlyFormFields(d.fields(), values), now);
    } catch (ProviderException e) {
      if (!e.isDefinitive()) { // the provider could not check the values now: not the caller's mistake
        throw new LinkCreationException(d.slug(), "Cannot connect '" + d.slug() + "' now, so nothing was stored; "
            + "retry later (" + e.errorCode() + ": " + e.getMessage() + ")");
      }
      throw new IllegalArgumentException("Cannot connect '" + d.slug() + "': " + e.getMessage());
    }
    String accountId = ids.accountId();
    int room = session.options().maxAccountsPerToolkit();
    return tx.run(session.userId(), d.slug(), now,
        draft -> ConnectionRules.createActive(draft, accountId, room, credentials, config.linkTtl()))
        .getOrElseThrow(noRoom -> new LinkCreationException(d.slug(), noRoom.message(session.userId(), d.slug())))
        .view();
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
}
