/** The daemon's JSON store: see store.ts. */
export { openStore, StoreError, type OpenStoreOptions, type Store } from "./store.ts";
export type { LockOwner } from "./lock.ts";
