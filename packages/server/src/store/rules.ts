/**
 * The rules every Store applies, written once: what a state action changes, which notifications
 * an inbox status shows, where retention cuts a log, and how a publish batch is planned.
 * Pure: the memory store calls the predicates, the SQL stores use the fragments.
 */
import { randomBytes } from 'node:crypto';
import type { InboxStatus, StateAction } from '@herald/protocol';
import { DuplicateIdError } from './errors.ts';
import type { LogPosition, NewNotification, StoredNotification } from './store.ts';

type States = Pick<StoredNotification, 'seenAt' | 'readAt' | 'archivedAt'>;

/**
 * Applies `action` to `n` in place and tells whether anything changed. `read` also marks the
 * item seen (a read item can't still be "new" on the badge); `unread` leaves `seenAt` alone.
 */
export function applyAction(n: States, action: StateAction, now: number): boolean {
  switch (action) {
    case 'read':
      if (n.readAt !== undefined) return false;
      n.readAt = now;
      n.seenAt ??= now;
      return true;
    case 'unread':
      if (n.readAt === undefined) return false;
      delete n.readAt;
      return true;
    case 'seen':
      if (n.seenAt !== undefined) return false;
      n.seenAt = now;
      return true;
    case 'archive':
      if (n.archivedAt !== undefined) return false;
      n.archivedAt = now;
      return true;
    case 'unarchive':
      if (n.archivedAt === undefined) return false;
      delete n.archivedAt;
      return true;
  }
}

/**
 * The same rules in SQL: `set` is the assignment, `when` selects the rows it changes. `:now`
 * stands for the time parameter; each store substitutes its own placeholder.
 */
export const ACTION_SQL: Record<StateAction, { set: string; when: string }> = {
  read: { set: 'read_at = :now, seen_at = COALESCE(seen_at, :now)', when: 'read_at IS NULL' },
  unread: { set: 'read_at = NULL', when: 'read_at IS NOT NULL' },
  seen: { set: 'seen_at = :now', when: 'seen_at IS NULL' },
  archive: { set: 'archived_at = :now', when: 'archived_at IS NULL' },
  unarchive: { set: 'archived_at = NULL', when: 'archived_at IS NOT NULL' },
};

/** Whether an (unexpired) notification belongs in the inbox view `status`. */
export function inStatus(n: States, status: InboxStatus): boolean {
  if (status === 'archived') return n.archivedAt !== undefined;
  if (n.archivedAt !== undefined) return false;
  if (status === 'unread') return n.readAt === undefined;
  if (status === 'unseen') return n.seenAt === undefined;
  return true;
}

/** `inStatus` in SQL, over the columns `archived_at`, `read_at`, `seen_at`. */
export const STATUS_SQL: Record<InboxStatus, string> = {
  all: 'archived_at IS NULL',
  unread: 'archived_at IS NULL AND read_at IS NULL',
  unseen: 'archived_at IS NULL AND seen_at IS NULL',
  archived: 'archived_at IS NOT NULL',
};

/** Expired means `expiresAt <= now`: an item is gone at its expiry instant, not after it. */
export function isExpired(n: { expiresAt?: number }, now: number): boolean {
  return n.expiresAt !== undefined && n.expiresAt <= now;
}

/**
 * Where retention cuts a log: every seq ≤ the result is dropped. Count keeps the newest
 * `maxCount`; age drops only the leading run of events older than `cutoff` (`at < cutoff`), so
 * an event within retention is never dropped even if an older one follows it (times come from
 * callers and need not be monotonic). A non-finite limit disables that rule.
 * `remaining` are the events still kept (seq > pos.trimmed), ascending.
 */
export function trimPoint(pos: LogPosition, remaining: readonly { seq: number; at: number }[], maxCount: number, cutoff: number): number {
  let cut = pos.trimmed;
  if (Number.isFinite(maxCount)) cut = Math.max(cut, pos.last - Math.max(0, maxCount));
  if (Number.isFinite(cutoff)) {
    const keep = remaining.find((e) => e.at >= cutoff);
    cut = Math.max(cut, keep ? keep.seq - 1 : pos.last);
  }
  return cut;
}

/** How one item of a publish resolves: a fresh insert, or an earlier notification (deduped). */
export type Slot = { fresh: number; repeat: boolean } | { existing: StoredNotification };

/**
 * Plans a publish: items whose (recipient, dedupeKey) is already stored resolve to the stored
 * notification; a repeat within the batch resolves to the batch's first copy (no event). Throws
 * DuplicateIdError when two fresh items share an id. `findExisting` looks up stored dedupe keys.
 */
export function planPublish(
  items: readonly NewNotification[],
  findExisting: (recipient: string, dedupeKey: string) => StoredNotification | undefined,
): { fresh: NewNotification[]; slots: Slot[] } {
  const fresh: NewNotification[] = [];
  const slots: Slot[] = [];
  const byKey = new Map<string, number>();
  const ids = new Set<string>();
  for (const item of items) {
    if (item.dedupeKey !== undefined) {
      const key = `${item.recipient}\u0000${item.dedupeKey}`;
      const earlier = byKey.get(key);
      if (earlier !== undefined) {
        slots.push({ fresh: earlier, repeat: true });
        continue;
      }
      const existing = findExisting(item.recipient, item.dedupeKey);
      if (existing) {
        slots.push({ existing });
        continue;
      }
      byKey.set(key, fresh.length);
    }
    if (ids.has(item.id)) throw new DuplicateIdError(item.id);
    ids.add(item.id);
    slots.push({ fresh: fresh.length, repeat: false });
    fresh.push(item);
  }
  return { fresh, slots };
}

/** A new store epoch: 64 random bits in base36 (fits the cursor's `[0-9a-z]{1,32}`). */
export function newEpoch(): string {
  return BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36);
}

/** The stored form of a fresh item: `dedupeKey` dropped, `seq` and `createdAt` added. */
export function toStored(item: NewNotification, seq: number, now: number): StoredNotification {
  const { dedupeKey: _omit, ...rest } = item;
  const out: StoredNotification = { ...rest, seq, createdAt: now };
  for (const k of Object.keys(out) as (keyof StoredNotification)[]) if (out[k] === undefined) delete out[k];
  return out;
}
