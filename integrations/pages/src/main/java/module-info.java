/**
 * The pages a person sees while connecting an account. Start at {@link dev.tether.pages.ConnectEndpoints}.
 */
module dev.tether.pages {
  requires transitive dev.tether.core;

  exports dev.tether.pages;
}
