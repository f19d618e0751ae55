/** Errors a Store raises; anything else from a store is an I/O failure. */

/**
 * A notification id that is already stored (or repeated in one publish). Ids are chosen by the
 * hub and random, so this means a bug or a replayed request: the whole publish wrote nothing.
 */
export class DuplicateIdError extends Error {
  readonly id: string;

  constructor(id: string, options?: { cause?: unknown }) {
    super(`notification id already exists: ${id}`, options);
    this.name = 'DuplicateIdError';
    this.id = id;
  }
}
