/**
 * The bus self-probe, as a pure state machine (the clock is passed in). A connection can look
 * healthy while delivering nothing: a lost subscription, a stalled server, a proxy eating
 * messages. So the bus publishes a numbered probe to itself on a timer and counts itself starved
 * when one has not come back within the timeout.
 */

/** Probes remembered at most; when starving for long, the oldest are dropped (the check only needs one old probe). */
const MAX_OUTSTANDING = 100;

export class Probe {
  readonly #timeoutMs: number;
  /** Sequence and send time of probes not yet back, oldest first. */
  #outstanding: { seq: number; at: number }[] = [];
  #next = 1;
  #starved = false;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  get starved(): boolean {
    return this.#starved;
  }

  /** Records a probe about to be sent; returns its sequence. */
  send(now: number): number {
    const seq = this.#next++;
    this.#outstanding.push({ seq, at: now });
    if (this.#outstanding.length > MAX_OUTSTANDING) this.#outstanding.shift();
    return seq;
  }

  /** A probe came back. Returns true when this ends a starvation (the caller resyncs). */
  received(seq: number): boolean {
    // Any probe back proves the path works; older probes still out were lost, not late.
    this.#outstanding = this.#outstanding.filter((p) => p.seq > seq);
    if (!this.#starved) return false;
    this.#starved = false;
    return true;
  }

  /** Returns true when the oldest outstanding probe just ran out of time. */
  check(now: number): boolean {
    const oldest = this.#outstanding[0];
    if (this.#starved || oldest === undefined || now - oldest.at < this.#timeoutMs) return false;
    this.#starved = true;
    return true;
  }

  /** The connection changed (lost or re-established): probes in flight say nothing about it. */
  reset(): void {
    this.#outstanding = [];
    this.#starved = false;
  }
}
