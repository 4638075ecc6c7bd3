import type { ChildProcess } from "node:child_process";

/** A child process's output (stdout and stderr), line by line as it arrives. */
export interface ChildLog {
  /** Every complete line so far, in arrival order. */
  lines: string[];
  /**
   * Resolves with the first line matching `re` (one already written counts) and
   * performance.now() when it was read. Rejects, with the whole log, when the process
   * exits first or after `timeoutMs`.
   */
  waitFor(re: RegExp, timeoutMs: number): Promise<{ line: string; at: number }>;
}

/** Collects a spawned process's output (spawned with stdout and stderr piped). */
export function followLog(child: ChildProcess): ChildLog {
  // "close", not "exit": the last lines may still be in the pipes when the process exits.
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const lines: string[] = [];
  const times: number[] = [];
  const listeners = new Set<() => void>();
  let partial = "";
  const onData = (chunk: Buffer): void => {
    const at = performance.now();
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line === "") continue;
      lines.push(line);
      times.push(at);
    }
    for (const l of [...listeners]) l();
  };
  child.stderr!.on("data", onData);
  child.stdout!.on("data", onData);
  return {
    lines,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const done = (): void => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = (): void => {
          for (; seen < lines.length; seen++) {
            if (!re.test(lines[seen]!)) continue;
            done();
            resolve({ line: lines[seen]!, at: times[seen]! });
            return;
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no log line matching ${re} within ${timeoutMs} ms; the log:\n${lines.join("\n")}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void closed.then((code) => {
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`the process exited (code ${code}) before a log line matching ${re}; the log:\n${lines.join("\n")}`));
        });
      });
    },
  };
}
