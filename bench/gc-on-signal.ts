/**
 * Preloaded into the soak's server process (`node --expose-gc -r dist-bench/bench/gc-on-signal.js`):
 * SIGUSR2 runs a full garbage collection, so the drill can compare what is retained (RSS and heap
 * after a full GC) rather than garbage V8 has not collected yet.
 */
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
});
