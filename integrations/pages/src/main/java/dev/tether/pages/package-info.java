/**
 * Tether's pages: what a person sees while connecting an account, as plain values any framework
 * can send.
 *
 * <ul>
 *   <li>{@link dev.tether.pages.ConnectEndpoints} — the host's three endpoints (a connect link, its
 *       form, the OAuth callback), framework-neutral: request values in, a {@code Page} out;
 *   <li>{@link dev.tether.pages.ConnectPages} — one method per page (the link's form, on to
 *       sign-in, connected, failed, link unavailable, callback rejected); {@code defaults()} gives
 *       Tether's own, a host may implement its own;
 *   <li>{@link dev.tether.pages.Page} — a status code, headers (the Content-Security-Policy among
 *       them) and an HTML body;
 *   <li>{@link dev.tether.pages.Html} — escaping and CSP hashes, for hosts that write pages too.
 * </ul>
 *
 * <p>The default pages are self-contained (one inline stylesheet allowed by its hash, no script,
 * no external asset), responsive and accessible (labels bound to inputs, an error summary with
 * {@code role="alert"}, visible focus, WCAG AA contrast). No page ever holds a secret: not a typed
 * key, not a token, not the OAuth state.
 */
package dev.tether.pages;
