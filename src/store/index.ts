/** The daemon's JSON store: see store.ts. */
export { openStore, StoreError, type OpenStoreOptions, type Store } from "./store.ts";
export type { LockOwner } from "./lock.ts";
export { openJournaledStore, type JournaledStore, type JournaledStoreOptions, type Dirty } from "./journal.ts";
export type { StoreFs, StoreFileHandle } from "./fs.ts";
export type { RetryOptions, StoreLog } from "./retry.ts";
