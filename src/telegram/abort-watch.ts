/**
 * One abort listener per signal, however many waiters are on it: the client's calls in
 * flight, the limited port's calls waiting for a slot or for their pace. The deliverer
 * passes one long-lived signal to every call; a listener per call would pile dozens onto
 * it (Node warns past 10: MaxListenersExceededWarning) and adding and removing an
 * EventTarget listener per call cost about 3% of the daemon's CPU per relayed message
 * (test/bench, throughput --profile). The listener goes with the signal's last waiter, so
 * nothing stays on a long-lived signal.
 */

/** Something to end when its signal fires. */
export interface AbortWaiter {
  /** Called once, when the signal fires while the waiter is on it. */
  onAbort(): void;
}

interface Watch {
  waiters: Set<AbortWaiter>;
  listener: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/** Puts `waiter` on `signal` until {@link unwatchAbort} or the abort (which takes it off). */
export function watchAbort(signal: AbortSignal, waiter: AbortWaiter): void {
  let w = watches.get(signal);
  if (w === undefined) {
    const waiters = new Set<AbortWaiter>();
    const listener = (): void => {
      watches.delete(signal);
      for (const x of waiters) x.onAbort();
      waiters.clear();
    };
    w = { waiters, listener };
    watches.set(signal, w);
    signal.addEventListener("abort", listener, { once: true });
  }
  w.waiters.add(waiter);
}

/** Takes `waiter` off `signal` (nothing when it is not on it); the last one takes the listener. */
export function unwatchAbort(signal: AbortSignal, waiter: AbortWaiter): void {
  const w = watches.get(signal);
  if (w === undefined || !w.waiters.delete(waiter) || w.waiters.size > 0) return;
  signal.removeEventListener("abort", w.listener);
  watches.delete(signal);
}
