package dev.tether.core;

import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.ToolkitProvider;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every call the engine makes into a provider, through one guard. The classification is the one
 * {@link ToolkitProvider} states: a {@link ProviderException} is the provider's own verdict,
 * definitive or transient; anything else it throws, or a {@code null} where a value is due, is a
 * provider bug, which is definitive. A bug is logged with the provider's class and the exception's
 * class only (its message may hold a secret) and becomes {@code ProviderException.definitive(
 * "provider_error", …)}, so no provider bug ever reaches the host. Thread-safe: stateless.
 */
final class GuardedProvider {
  private static final System.Logger LOG = System.getLogger(GuardedProvider.class.getName());
  /** The error code of every provider bug. */
  static final String PROVIDER_ERROR = "provider_error";

  private final ToolkitProvider provider;

  GuardedProvider(ToolkitProvider provider) {
    this.provider = provider;
  }

  /** The wrapped provider, for reports and messages. */
  ToolkitProvider unwrap() {
    return provider;
  }

  AuthorizationLink authorize(AuthorizationRequest request) {
    return guard("build a link for", request.toolkit(), () -> provider.authorize(request));
  }

  Credentials exchange(ExchangeRequest request) {
    return guard("exchange the callback for", request.toolkit(), () -> provider.exchange(request));
  }

  Credentials refresh(RefreshRequest request) {
    return guard("refresh", request.toolkit(), () -> provider.refresh(request));
  }

  Credentials connect(ConnectRequest request) {
    return guard("accept typed credentials for", request.toolkit(), () -> provider.connect(request));
  }

  String grantParameter(String toolkit) {
    return guard("name the grant parameter of", toolkit, () -> provider.grantParameter(toolkit));
  }

  Optional<String> issuer(String toolkit) {
    return guard("report the issuer of", toolkit, () -> provider.issuer(toolkit));
  }

  boolean requiresIssuer(String toolkit) {
    return guard("say whether it requires an issuer for", toolkit, () -> provider.requiresIssuer(toolkit));
  }

  private <T> T guard(String what, String toolkit, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (ProviderException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      rethrowIfTheJvms(e);
      throw bug(what, toolkit, e.getClass().getName());
    }
    if (result == null) {
      throw bug(what, toolkit, "null");
    }
    return result;
  }

  /**
   * Anything a plugin throws is its bug, an {@code AssertionError} or a stack overflow from its
   * recursion too; only the JVM's own failures (out of memory, an internal error) are no plugin's
   * to answer for, and they go on up. Discovery applies the same rule.
   */
  static void rethrowIfTheJvms(Throwable e) {
    if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
      throw (VirtualMachineError) e;
    }
  }

  private ProviderException bug(String what, String toolkit, String thrown) {
    LOG.log(System.Logger.Level.WARNING, () -> "Provider " + provider.getClass().getName() + " failed to " + what
        + " '" + toolkit + "' (" + thrown + "); treated as a definitive provider error");
    return ProviderException.definitive(PROVIDER_ERROR, "The provider of '" + toolkit + "' failed to " + what
        + " it (" + (thrown.equals("null") ? "it returned nothing" : thrown.substring(thrown.lastIndexOf('.') + 1))
        + "); see the log");
  }

  @Override
  public String toString() {
    return "GuardedProvider[" + provider.getClass().getName() + "]";
  }
}
