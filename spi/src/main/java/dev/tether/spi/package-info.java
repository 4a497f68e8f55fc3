/**
 * The provider SPI: the contract between the Tether engine and the plugins that serve toolkits.
 *
 * <ul>
 *   <li>{@link dev.tether.spi.ToolkitProvider} — the one interface a plugin implements, found with
 *       {@link java.util.ServiceLoader} or registered explicitly on the engine's builder;
 *   <li>{@link dev.tether.spi.ToolkitDescriptor}, {@link dev.tether.spi.AuthScheme} and
 *       {@link dev.tether.spi.ConnectionField} — what a provider serves and what its form collects;
 *   <li>{@link dev.tether.spi.Categories} — the words a toolkit's categories are taken from;
 *   <li>{@link dev.tether.spi.AuthorizationRequest} → {@link dev.tether.spi.AuthorizationLink} —
 *       building the link a user opens;
 *   <li>{@link dev.tether.spi.ExchangeRequest} → {@link dev.tether.spi.Credentials} — exchanging
 *       the callback for credentials; {@link dev.tether.spi.RefreshRequest} — refreshing them;
 *       {@link dev.tether.spi.ConnectRequest} — typed credentials (API keys) from a form;
 *   <li>{@link dev.tether.spi.Secret} — a value that never prints itself;
 *   <li>{@link dev.tether.spi.ProviderException} — a failure that says whether retrying can help;
 *   <li>{@link dev.tether.spi.Slugs} — toolkit slug normalisation shared by engine and plugins;
 *   <li>{@link dev.tether.spi.Urls} — the one rule for the URLs providers hand out and call, and
 *       the one percent-encoding for the values they put in them.
 * </ul>
 *
 * <p>Every type here is immutable and thread-safe unless its javadoc says otherwise.
 */
package dev.tether.spi;
