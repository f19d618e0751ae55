/**
 * What `herald serve` says when it cannot listen: one `herald:` line naming the address and the
 * setting to change, and the exit code a service manager acts on. Pure: an error in, a line out.
 */

/** Exit codes of a refused start (sysexits): 75 try again later, 78 fix the configuration. */
export const EXIT_TEMPORARY = 75;
export const EXIT_REFUSED = 78;

export interface Refusal {
  line: string;
  code: typeof EXIT_TEMPORARY | typeof EXIT_REFUSED;
}

/** The refusal for a failed listen (or host lookup), or null when `err` is something else. */
export function listenRefusal(err: unknown, host: string, port: number): Refusal | null {
  const e = err as NodeJS.ErrnoException | undefined;
  // 'bind' is how a cluster worker hears of it: the primary binds the port for all workers.
  if (!e || !['listen', 'bind', 'getaddrinfo'].includes(e.syscall ?? '')) return null;
  const at = `${host}:${port}`;
  switch (e.code) {
    case 'EADDRINUSE':
      // Often the previous Herald still draining its streams: worth another try in a moment.
      return { code: EXIT_TEMPORARY, line: `herald: cannot listen on ${at}: the port is in use (a previous Herald still draining?). Set HERALD_PORT to a free port, or stop what holds it.` };
    case 'EADDRNOTAVAIL':
      return { code: EXIT_REFUSED, line: `herald: cannot listen on ${at}: ${host} is not an address of this machine. Set HERALD_HOST to one of its addresses, or 0.0.0.0 for all.` };
    case 'EACCES':
      return { code: EXIT_REFUSED, line: `herald: cannot listen on ${at}: permission denied (ports below 1024 need privileges). Set HERALD_PORT to 1024 or above.` };
    case 'ENOTFOUND':
      return { code: EXIT_REFUSED, line: `herald: cannot listen on ${at}: the name ${host} does not resolve. Set HERALD_HOST to an address of this machine.` };
    case 'EAI_AGAIN':
      return { code: EXIT_TEMPORARY, line: `herald: cannot listen on ${at}: looking up ${host} failed for now (DNS). Set HERALD_HOST to an address to avoid the lookup.` };
    default:
      return { code: EXIT_REFUSED, line: `herald: cannot listen on ${at}: ${e.code ?? e.message}. Check HERALD_HOST and HERALD_PORT.` };
  }
}
