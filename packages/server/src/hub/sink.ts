/**
 * Where a connection's bytes go. In production it is the raw socket of a hijacked HTTP response;
 * in unit tests, an array. Keeping it this small keeps the hub free of HTTP.
 */
export interface Sink {
  /** Writes; returns false when the kernel buffer is full (the bytes are still queued). */
  write(chunk: string): boolean;
  /** Bytes queued in user space, not yet taken by the kernel. */
  readonly bufferedBytes: number;
  /** Ends the response gracefully. */
  end(): void;
  /** Drops the connection at once (slow consumer). */
  destroy(): void;
}
