/**
 * Gathers the calls made in one turn of the event loop into one call of `run` (one query for a judging run's
 * dozens of concurrent cache lookups instead of one each). `run` answers the items in order; if it throws,
 * every call of that batch rejects with its error.
 */
export function tickBatch<T, R>(run: (items: T[]) => Promise<R[]>): (item: T) => Promise<R> {
  let batch: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] | null = null;
  const flush = async () => {
    const current = batch!;
    batch = null;
    try {
      const results = await run(current.map((c) => c.item));
      current.forEach((c, i) => c.resolve(results[i]));
    } catch (error) {
      for (const c of current) c.reject(error);
    }
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (!batch) {
        batch = [];
        setImmediate(() => void flush());
      }
      batch.push({ item, resolve, reject });
    });
}
