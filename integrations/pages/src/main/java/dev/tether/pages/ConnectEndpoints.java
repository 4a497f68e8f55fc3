package dev.tether.pages;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectLink;
import dev.tether.core.ConnectLinkResult;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Tether;
import dev.tether.spi.ConnectionField;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The three endpoints a host serves for Tether, framework-neutral: each takes what the request
 * holds, calls the engine and answers the {@link Page} to send, a redirect or a page of
 * {@link ConnectPages}. The host's controller only translates.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>request</th><th>call</th><th>answers</th></tr>
 *   <tr><td>{@code GET {connectBaseUrl}/{linkId}}</td><td>{@link #link(String)}</td>
 *       <td>a redirect to the provider, the link's form, or "link unavailable"</td></tr>
 *   <tr><td>{@code POST {connectBaseUrl}/{linkId}}</td><td>{@link #submit(String, Map)}</td>
 *       <td>the form again with its problems, on to the provider, or "connected"</td></tr>
 *   <tr><td>{@code GET} the redirect URI</td><td>{@link #callback(URI)}</td>
 *       <td>a redirect to the callback URL, or "connected", "failed" or "rejected"</td></tr>
 * </table>
 *
 * <pre>{@code
 * ConnectEndpoints endpoints = ConnectEndpoints.builder(tether).toolkitNames(names).build();
 * // Spring MVC
 * @GetMapping("/link/{id}") ResponseEntity<String> link(@PathVariable String id) { return send(endpoints.link(id)); }
 * }</pre>
 *
 * <p>Immutable and thread-safe: build one per engine and share it.
 */
public final class ConnectEndpoints {
  private final Tether tether;
  private final ConnectPages pages;
  private final Map<String, String> toolkitNames;

  private ConnectEndpoints(Builder b) {
    this.tether = b.tether;
    this.pages = b.pages == null ? ConnectPages.defaults() : b.pages;
    this.toolkitNames = Map.copyOf(b.toolkitNames);
  }

  /**
   * Endpoints with the {@linkplain ConnectPages#defaults() default pages}, naming toolkits by slug
   * after sign-in.
   *
   * @param tether the engine; not null
   * @return the endpoints
   */
  public static ConnectEndpoints of(Tether tether) {
    return builder(tether).build();
  }

  /**
   * Starts configuring endpoints for {@code tether}.
   *
   * @param tether the engine; not null
   * @return a new builder
   */
  public static Builder builder(Tether tether) {
    return new Builder(Objects.requireNonNull(tether, "tether"));
  }

  /**
   * {@code GET {connectBaseUrl}/{linkId}}: a person opened a connect link.
   *
   * @param linkId the last path segment of the link ({@code ln_…}), as requested; null finds nothing
   * @return a 303 to the provider, the link's form (200), or {@link ConnectPages#linkUnavailable()}
   */
  public Page link(String linkId) {
    Optional<ConnectLink> found = tether.connectLink(linkId);
    if (found.isEmpty()) {
      return pages.linkUnavailable();
    }
    ConnectLink link = found.get();
    if (link.needsForm()) {
      return pages.form(link, Map.of(), java.util.List.of());
    }
    return link.authorizationUrl().map(Page::redirect).orElseGet(pages::linkUnavailable);
  }

  /**
   * {@code POST {connectBaseUrl}/{linkId}}: a person submitted a connect link's form.
   *
   * <p>A bad value gives the form again with the problems (400), the values of fields that are not
   * secret filled in, and no secret anywhere: not in the inputs, and not in a problem (a provider
   * that quotes a typed secret in its message has it masked). Accepted values either connect the
   * account (typed credentials) or lead on to the provider's sign-in (a subdomain): both answer a
   * page rather than a redirect, because browsers that apply the page's {@code form-action 'self'}
   * to a form's redirects would refuse one to another origin.
   *
   * @param linkId the link id the form was served for
   * @param formValues the submitted form fields by name, from the request body only (the page's
   *     form posts without a query; a framework that merges the query in, as a servlet container
   *     does, would let a link shown with {@code ?api_key=…} appended decide the key); others (e.g.
   *     a CSRF token) are ignored; not null
   * @return the page to answer with
   */
  public Page submit(String linkId, Map<String, String> formValues) {
    Objects.requireNonNull(formValues, "formValues");
    Optional<ConnectLink> before = tether.connectLink(linkId);
    ConnectLinkResult result = tether.submitConnectLink(linkId, formValues);
    Optional<ConnectionStatus> status = result.status();
    String name = before.map(ConnectLink::toolkitName).orElseGet(() -> nameOf(result.connectedAccountId()));
    if (result.accepted() && status.equals(Optional.of(ConnectionStatus.INITIATED)) && result.redirectUrl().isPresent()) {
      return pages.continueToSignIn(name);
    }
    if (result.accepted() && status.equals(Optional.of(ConnectionStatus.ACTIVE))) {
      return pages.connected(name, result.redirectUrl());
    }
    Optional<ConnectLink> again = tether.connectLink(linkId);
    if (again.isPresent() && again.get().needsForm() && !result.problems().isEmpty()) {
      return pages.form(again.get(), enteredPlainValues(again.get(), formValues),
          result.problems().stream().map(p -> masked(p, before.orElse(again.get()), formValues)).toList());
    }
    if (status.isPresent() && status.get().isTerminal()) {
      return pages.failed(name, reasonOf(result.connectedAccountId(), status.get()));
    }
    return pages.linkUnavailable();
  }

  /**
   * {@code GET} the OAuth redirect URI: the provider sent the browser back.
   *
   * @param requestUri the URI the browser requested, query included; not null
   * @return a 303 to the callback URL when the flow has one, else the outcome's page:
   *     {@link ConnectPages#connected}, {@link ConnectPages#failed}, or
   *     {@link ConnectPages#callbackRejected} when the state is unknown, expired or forged
   */
  public Page callback(URI requestUri) {
    return answer(tether.handleCallback(Objects.requireNonNull(requestUri, "requestUri")));
  }

  /**
   * As {@link #callback(URI)}, from the callback's decoded query parameters.
   *
   * @param queryParameters {@code state}, {@code code} or {@code error}, …; not null
   * @return the page to answer with
   */
  public Page callback(Map<String, String> queryParameters) {
    return answer(tether.handleCallback(Objects.requireNonNull(queryParameters, "queryParameters")));
  }

  private Page answer(CallbackResult result) {
    if (result.redirectUrl().isPresent()) {
      return Page.redirect(result.redirectUrl().get());
    }
    if (result.connectedAccountId().isEmpty()) {
      return pages.callbackRejected(result.error().orElse("unknown_state"));
    }
    String name = nameOf(result.connectedAccountId());
    if (result.successful()) {
      return pages.connected(name, Optional.empty());
    }
    return pages.failed(name, result.error().orElse("provider_error"));
  }

  private String nameOf(Optional<String> accountId) {
    Optional<String> slug = accountId.flatMap(tether::account).map(ConnectedAccount::toolkit);
    return slug.map(s -> toolkitNames.getOrDefault(s, tether.toolkit(s).map(d -> d.name()).orElse(s)))
        .orElse("The app");
  }

  private String reasonOf(Optional<String> accountId, ConnectionStatus status) {
    return accountId.flatMap(tether::account).flatMap(ConnectedAccount::statusReason)
        .orElse(status == ConnectionStatus.EXPIRED ? "link_expired" : "provider_error");
  }

  private static Map<String, String> enteredPlainValues(ConnectLink link, Map<String, String> values) {
    Map<String, String> plain = new LinkedHashMap<>();
    for (ConnectionField f : link.form()) {
      String v = values.get(f.name());
      if (!f.secret() && v != null) {
        plain.put(f.name(), v);
      }
    }
    return plain;
  }

  /** A problem with every typed secret of four or more characters masked: a provider's message might quote one. */
  private static String masked(String problem, ConnectLink link, Map<String, String> values) {
    String out = problem;
    for (ConnectionField f : link.form()) {
      String v = values.get(f.name());
      if (f.secret() && v != null) {
        for (String typed : new String[] {v, v.strip()}) {
          if (typed.length() >= 4) {
            out = out.replace(typed, "••••");
          }
        }
      }
    }
    return out;
  }

  /** Configures {@link ConnectEndpoints}. Each setting may be set once. Not thread-safe. */
  public static final class Builder {
    private final Tether tether;
    private ConnectPages pages;
    private Map<String, String> toolkitNames = Map.of();
    private boolean namesSet;

    private Builder(Tether tether) {
      this.tether = tether;
    }

    /**
     * The pages to show (default: {@link ConnectPages#defaults()}).
     *
     * @param pages the host's own pages; not null
     * @return this builder
     * @throws IllegalStateException if the pages were already set
     */
    public Builder pages(ConnectPages pages) {
      if (this.pages != null) {
        throw new IllegalStateException("pages was already set to " + this.pages);
      }
      this.pages = Objects.requireNonNull(pages, "pages");
      return this;
    }

    /**
     * Display names by toolkit slug for the pages after sign-in, when yours differ from the
     * providers' ({@link Tether#toolkit(String)}), which the pages use otherwise.
     *
     * @param namesBySlug e.g. {@code {"gmail": "Gmail"}}; copied, not null
     * @return this builder
     * @throws IllegalStateException if the names were already set
     */
    public Builder toolkitNames(Map<String, String> namesBySlug) {
      if (namesSet) {
        throw new IllegalStateException("toolkitNames was already set (" + toolkitNames.size() + " names)");
      }
      this.toolkitNames = Map.copyOf(Objects.requireNonNull(namesBySlug, "namesBySlug"));
      this.namesSet = true;
      return this;
    }

    /**
     * The endpoints.
     *
     * @return new immutable endpoints
     */
    public ConnectEndpoints build() {
      return new ConnectEndpoints(this);
    }
  }
}
