/**
 * Observing a transformers.js pipeline from outside: run the real pipeline call while one method of
 * its model is wrapped to record what it received and returned (e.g. `generate`: the pixel values the
 * pipeline fed and the token ids it produced). Calls on one object are serialised so that concurrent
 * explanations cannot see each other's records.
 */

/** One recorded call. */
export interface CapturedCall {
  args: unknown[];
  result: unknown;
}

const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `fn` after every earlier `exclusive` call on `key` has settled. */
export function exclusive<T>(key: object, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  queues.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * Runs `fn` while `obj[method]` records its calls, then restores the method (also when `fn` throws).
 * @returns `fn`'s value and the calls recorded, in order.
 */
export async function withCapture<T>(obj: object, method: string, fn: () => Promise<T>): Promise<{ value: T; calls: CapturedCall[] }> {
  return exclusive(obj, async () => {
    const target = obj as Record<string, unknown>;
    const original = target[method];
    if (typeof original !== 'function') throw new Error(`cannot observe '${method}': not a method of this object`);
    const hadOwn = Object.prototype.hasOwnProperty.call(obj, method);
    const calls: CapturedCall[] = [];
    target[method] = async function (this: unknown, ...args: unknown[]) {
      const result = await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      calls.push({ args, result });
      return result;
    };
    try {
      const value = await fn();
      return { value, calls };
    } finally {
      if (hadOwn) target[method] = original;
      else delete target[method];
    }
  });
}
