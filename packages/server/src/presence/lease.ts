/**
 * The lease both presences hand out: it counts one stream of `user` from `ip` in this process's
 * tallies and gives it back exactly once (never after the presence closed). `afterRelease`
 * lets a cluster-wide presence also give the slot back where it keeps it.
 */
import type { Lease } from './presence.ts';
import type { Tally } from './tally.ts';

export function takeLease(
  tallies: { users: Tally; ips: Tally; closed(): boolean },
  user: string,
  ip: string,
  afterRelease?: () => Promise<void>,
): Lease {
  tallies.users.inc(user);
  tallies.ips.inc(ip);
  let released = false;
  return {
    release: async () => {
      if (released || tallies.closed()) return;
      released = true;
      tallies.users.dec(user);
      tallies.ips.dec(ip);
      await afterRelease?.();
    },
  };
}
