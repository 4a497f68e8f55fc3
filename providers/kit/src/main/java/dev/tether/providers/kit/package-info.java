/**
 * What the provider families share, written once.
 *
 * <ul>
 *   <li>{@link dev.tether.providers.kit.HttpClients} — the one shared JDK {@code HttpClient}: created
 *       on first use, 10 s connect timeout, no redirects;
 *   <li>{@link dev.tether.providers.kit.HttpOutcomes} — the one classification of an upstream call's
 *       outcome (status, I/O failure, timeout, unreadable answer) into definitive or transient
 *       {@link dev.tether.spi.ProviderException}s with the families' error codes;
 *   <li>{@link dev.tether.providers.kit.FormCodec} — the one form/query codec: RFC 3986 encoding,
 *       form decoding with or without duplicates;
 *   <li>{@link dev.tether.providers.kit.ToolkitDispatcher} — one provider routing each SPI call to
 *       the provider of the request's toolkit, what every catalog is.
 * </ul>
 *
 * <p>The rule for URLs (absolute http or https with a host, and no user-info for an endpoint) is
 * {@link dev.tether.spi.Urls}, in the SPI, because {@link dev.tether.spi.AuthorizationLink} needs it
 * too. Every type here is immutable or stateless, and thread-safe.
 */
package dev.tether.providers.kit;
