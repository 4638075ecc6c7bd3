import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

/**
 * Calls `onChange` (debounced) when `path` changes. Watches the folder, not the file:
 * editors and our own atomic writes replace the file by renaming, which a watch on the
 * file itself would miss after the first time.
 */
export function watchFile(path: string, onChange: () => void, debounceMs = 100): { close(): void } {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on("error", () => undefined); // the folder went away: nothing left to watch
  } catch {
    // No folder yet (no replies file): changes cannot be seen until restart; harmless.
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
