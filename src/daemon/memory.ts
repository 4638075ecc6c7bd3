import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/**
 * Runs a full garbage collection now. Loading a big store leaves its whole file text and
 * the parser's garbage (well over 100 MB at 100,000 conversations) in memory until V8
 * next decides to collect, which on an idle desk can be a long time: one collection right
 * after start-up gives that memory back. Node only exposes `gc` behind a flag, so the flag
 * is set here for this one use.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}
