import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The delivery whose work is running, wherever that work goes (the App's
 * queue, promise chains): work that fails marks it so, and the delivery is
 * no longer remembered as done, so GitHub's "Redeliver" (same delivery id)
 * runs it again. Work outside any delivery (a timer's recheck) marks nothing.
 */
const current = new AsyncLocalStorage<{ failed(): void }>();

export function runForDelivery<T>(onFailure: () => void, work: () => T): T {
  return current.run({ failed: onFailure }, work);
}

/** The current delivery's work failed (or failed in part): a redelivery of it is new work. */
export function deliveryWorkFailed(): void {
  current.getStore()?.failed();
}
