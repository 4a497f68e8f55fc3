/** An example Tether provider plugin: Acme CRM over OAuth 2.0, and Acme Status with no auth. */
module dev.tether.examples.acme {
  requires dev.tether.spi;
  requires java.net.http;

  provides dev.tether.spi.ToolkitProvider with dev.tether.examples.acme.AcmeProvider;
}
