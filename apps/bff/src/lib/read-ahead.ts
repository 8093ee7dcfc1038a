/**
 * Yields the source's items while already asking it for the next one, so that producing item
 * n + 1 (a broker page over the network) overlaps consuming item n (storing it). Order, errors and
 * early exit behave as with the source itself; at most one item is fetched ahead.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    let pending = iterator.next();
    for (;;) {
      const result = await pending;
      if (result.done) {
        finished = true;
        return;
      }
      pending = iterator.next();
      // Surfaces on the next await; until then it must not count as an unhandled rejection.
      pending.catch(() => undefined);
      yield result.value;
    }
  } catch (error) {
    finished = true;
    throw error;
  } finally {
    if (!finished) await iterator.return?.();
  }
}
