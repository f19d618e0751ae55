/** A multiset of keys with counts; a key whose count drops to 0 is forgotten (no leak per user). */
export class Tally {
  readonly #counts = new Map<string, number>();
  #total = 0;

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  inc(key: string): void {
    this.#counts.set(key, this.get(key) + 1);
    this.#total++;
  }

  dec(key: string): void {
    const n = this.get(key);
    if (n === 0) return;
    if (n === 1) this.#counts.delete(key);
    else this.#counts.set(key, n - 1);
    this.#total--;
  }

  /** Distinct keys with a count above 0. */
  get size(): number {
    return this.#counts.size;
  }

  /** Sum of all counts. */
  get total(): number {
    return this.#total;
  }

  entries(): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }

  clear(): void {
    this.#counts.clear();
    this.#total = 0;
  }
}
