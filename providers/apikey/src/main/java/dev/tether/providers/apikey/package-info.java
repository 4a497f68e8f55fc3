/**
 * Toolkits whose users type their credentials into the connect-link form.
 *
 * <ul>
 *   <li>{@link dev.tether.providers.apikey.ApiKeyCatalog} — the bundled ones (Exa, Tavily, SerpApi,
 *       Firecrawl, OpenAI), discovered by ServiceLoader;
 *   <li>{@link dev.tether.providers.apikey.ApiKeyToolkit} — one such toolkit configured in code.
 * </ul>
 */
package dev.tether.providers.apikey;
