/** Median wall time (ms) of `fn` over `repeats` runs after `warmup` runs. `fn` may be async. */
export async function median(fn, { repeats = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Prints rows of { name, ms, ratio } as an aligned table. */
export function table(title, rows) {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) console.log(`  ${r.name.padEnd(w)}  ${r.ms.toFixed(1).padStart(9)} ms  ${r.ratio.toFixed(2).padStart(6)}×`);
}
