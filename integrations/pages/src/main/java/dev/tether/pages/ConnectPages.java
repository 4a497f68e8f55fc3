package dev.tether.pages;

import dev.tether.core.ConnectLink;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pages a person sees while connecting an account, one method per page. {@link #defaults()}
 * gives Tether's own: self-contained HTML (inline CSS, no script, no external asset), responsive,
 * accessible, every value escaped, each with a {@code Content-Security-Policy} that allows exactly
 * what it holds. Implement this interface to show your own, and hand it to
 * {@link ConnectEndpoints.Builder#pages(ConnectPages)}.
 *
 * <p>A page never receives a secret: {@link ConnectEndpoints} drops what was typed into secret
 * fields before it asks for a form again, and no other page is given anything secret. An
 * implementation must keep it so, and escape every value it shows ({@link Html#escape}).
 *
 * <p>Implementations must be thread-safe; the defaults are immutable.
 */
public interface ConnectPages {
  /**
   * The Content-Security-Policy of every {@linkplain #defaults() default} page: nothing may load but
   * the page's own inline stylesheet, allowed by its hash; forms post to the page's own origin only;
   * no one may frame it.
   */
  String DEFAULT_CONTENT_SECURITY_POLICY = DefaultConnectPages.CONTENT_SECURITY_POLICY;

  /**
   * Tether's own pages, in English.
   *
   * @return the shared default pages
   */
  static ConnectPages defaults() {
    return DefaultConnectPages.INSTANCE;
  }

  /**
   * A connect link's form: one input per {@link ConnectLink#form()} field (an API key, or a
   * subdomain the provider's sign-in needs), posting back to the URL it was served from. After a
   * bad submit it shows the problems beside the form.
   *
   * @param link the pending link, whose form is not empty; it names the toolkit
   * @param entered what the user typed into the fields that are not secret, to fill them in again;
   *     empty when first shown. Never holds a secret field's value
   * @param problems one message per bad field, from {@code ConnectLinkResult.problems()}; empty when
   *     first shown
   * @return status 200 when first shown, 400 with problems
   */
  Page form(ConnectLink link, Map<String, String> entered, List<String> problems);

  /**
   * After a form that collected what the provider's sign-in needs (e.g. a subdomain): takes the
   * browser on to the provider by loading the connect link again, whose endpoint now redirects there.
   * A page rather than a redirect, because browsers that apply {@code form-action} to a form's
   * redirects would refuse to follow one to the provider's origin.
   *
   * @param toolkitName the toolkit's display name
   * @return status 200
   */
  Page continueToSignIn(String toolkitName);

  /**
   * The account is connected.
   *
   * @param toolkitName the toolkit's display name
   * @param next where the browser goes on to (the callback URL, with {@code status} and
   *     {@code connected_account_id}), or empty when the app set none and this page is where the
   *     person lands
   * @return status 200
   */
  Page connected(String toolkitName, Optional<URI> next);

  /**
   * The account could not be connected: the provider refused, or the sign-in failed.
   *
   * @param toolkitName the toolkit's display name
   * @param errorCode the short, non-secret code ({@code access_denied}, {@code link_expired}, …),
   *     which the page turns into a human reason; never the provider's own description
   * @return status 200: the request was handled, the outcome is the news
   */
  Page failed(String toolkitName, String errorCode);

  /**
   * A connect link that is unknown, expired or already used.
   *
   * @return status 404
   */
  Page linkUnavailable();

  /**
   * A callback whose {@code state} is unknown, expired or forged, or that is otherwise not one the
   * engine is waiting for ({@code CallbackResult} without an account).
   *
   * @param errorCode the engine's code, e.g. {@code unknown_state}
   * @return status 400
   */
  Page callbackRejected(String errorCode);
}
