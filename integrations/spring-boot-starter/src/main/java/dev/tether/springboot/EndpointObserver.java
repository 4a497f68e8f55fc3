package dev.tether.springboot;

/** Hears how long each request to the starter's endpoints took and how it ended; thread-safe. */
interface EndpointObserver {
  /** Hears nothing: without Micrometer. */
  EndpointObserver NONE = new EndpointObserver() {
    @Override
    public void callback(String outcome, long nanos) {}

    @Override
    public void connectLink(String action, String outcome, long nanos) {}
  };

  /**
   * One OAuth callback.
   *
   * @param outcome {@code success}, {@code failed} or {@code rejected}
   * @param nanos how long it took, token exchange included
   */
  void callback(String outcome, long nanos);

  /**
   * One connect-link request.
   *
   * @param action {@code open} or {@code submit}
   * @param outcome the answer: {@code redirect}, {@code form}, {@code problems}, {@code continue},
   *     {@code connected}, {@code failed} or {@code unavailable}
   * @param nanos how long it took
   */
  void connectLink(String action, String outcome, long nanos);
}
