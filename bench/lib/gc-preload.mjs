/**
 * Preloaded into a bench server (`node --expose-gc --import <this file> …`) so the harness can
 * ask for a full GC before reading memory: SIGUSR2 runs `gc()`. Herald itself installs no
 * SIGUSR2 handler, so this changes nothing else; the idle scenario reads RSS after it.
 */
process.on('SIGUSR2', () => {
  globalThis.gc?.();
});
