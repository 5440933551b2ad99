/** How one request ended. */
export interface RequestOutcome {
  /** Whether it counts as a success (HTTP 2xx/3xx by default, gRPC OK). */
  ok: boolean;
  /**
   * The HTTP status ('200', '503'), the gRPC code name ('OK', 'UNAVAILABLE'),
   * or a client-side error ('TIMEOUT', 'ECONNREFUSED', …).
   */
  code: string;
}

/** Something a load generator can send requests to. */
export interface LoadTarget {
  /** A short description for reports, e.g. 'GET http://127.0.0.1:8080/v1/orgs/o1'. */
  readonly description: string;
  /** Connects ahead of the run so the first requests do not pay for it. */
  prepare?(timeoutMs: number): Promise<void>;
  /**
   * Sends one request and settles when it ends. Never rejects: errors and
   * timeouts become failed outcomes. `timeoutMs` runs from the actual send.
   */
  send(timeoutMs: number): Promise<RequestOutcome>;
  /** Releases connections; the target is unusable afterwards. */
  close(): Promise<void>;
}
