/**
 * At most `size` of some work at once in this process; the rest wait their turn in order. Heavy background
 * stages (judging, registering) take a slot, so they never hold every database connection of the worker
 * while a stage transition (a Job that finished, the next one to create) waits behind them.
 */
export function slots(size: number) {
  let busy = 0;
  const waiters: (() => void)[] = [];
  return async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
    while (busy >= size) await new Promise<void>((resolve) => waiters.push(resolve));
    busy++;
    try {
      return await fn();
    } finally {
      busy--;
      waiters.shift()?.();
    }
  };
}

/** Judging (the feedback stage and evaluate's win rate): each makes many judge calls and verdict writes. */
export const withJudgeSlot = slots(4);
