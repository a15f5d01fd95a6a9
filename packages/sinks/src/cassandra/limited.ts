/**
 * Runs `fn` over `items` with at most `limit` calls pending. After the first failure no new call starts;
 * the pending ones are awaited (the driver bounds each by its read timeout), then that failure is thrown.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      await fn(item).catch((err: unknown) => {
        failure ??= { err };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.err;
}
