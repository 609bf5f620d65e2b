/**
 * Runs `task` on every item with at most `concurrency` tasks in flight, in item order as slots free up.
 * A task's rejection is not caught here: give it a task that handles its own errors.
 * @returns when every task has settled.
 */
export async function runPool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
