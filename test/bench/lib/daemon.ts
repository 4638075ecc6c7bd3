/**
 * The real daemon as its own process (`bin/clientes start`) against a sandbox in this
 * process, as the benchmarks need it: config written to a temp folder, log collected,
 * start-up timed, stopped with SIGTERM. Adapted from test/daemon/harness.ts.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../../src/sandbox/index.ts";
import { followLog } from "../../daemon/child-log.ts";
import { writeConfig } from "../../daemon/harness.ts";

export const ROOT = new URL("../../..", import.meta.url).pathname;

let daemonRoot = ROOT;

/**
 * Runs the daemon from another checkout (its bin/ and src/), e.g. a copy with a change
 * reverted, to measure before and after on the same machine at the same time.
 */
export function useDaemonRoot(dir: string): void {
  daemonRoot = dir;
}

/** A running `clientes start` process. */
export interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  log: string[];
  exited: Promise<number | null>;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  /** Resolves with performance.now() of the first log line matching `re`. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<number>;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

export interface DaemonArgs {
  /** Pace sends by Telegram's limits (default false: the sandbox's limits are off). */
  pacing?: boolean;
  /** Default "warn", so logging does not dominate the figures. */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Pin the daemon to these CPUs (taskset list, e.g. "1"); default: not pinned. */
  cpus?: string;
  /** Node flags for the daemon process, e.g. ["--cpu-prof", "--cpu-prof-dir=…"]. */
  nodeOptions?: string[];
}

/** Spawns `bin/clientes --config <path> start`; the token goes in CLIENTES_BOT_TOKEN. */
export function spawnDaemon(configPath: string, token: string, args: DaemonArgs = {}): DaemonProcess {
  const cli = ["--config", configPath, "start", "--log-level", args.logLevel ?? "warn"];
  if (!args.pacing) cli.push("--no-pacing");
  const env: NodeJS.ProcessEnv = { ...process.env, CLIENTES_BOT_TOKEN: token, CLIENTES_CONFIG: "" };
  delete env.CLIENTES_API_ROOT;
  const spawnedAt = performance.now();
  // The same node as the bin's shebang would find, run directly so node flags (--cpu-prof) can be given.
  const command = [process.execPath, ...(args.nodeOptions ?? []), join(daemonRoot, "bin", "clientes"), ...cli];
  // taskset execs the command: the pid stays the daemon's.
  if (args.cpus !== undefined) command.unshift("taskset", "-c", args.cpus);
  const child = spawn(command[0]!, command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const output = followLog(child);
  return {
    child,
    pid: child.pid!,
    log: output.lines,
    exited,
    spawnedAt,
    waitForLog: async (re, timeoutMs = 60_000) => (await output.waitFor(re, timeoutMs)).at,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A sandbox and a daemon process relaying for it. */
export interface Bench {
  sb: Sandbox;
  dir: string;
  storePath: string;
  daemon: DaemonProcess;
  /** Staff member (on the config's staff list). */
  staffId: number;
  /** ms from spawn to the `relaying` log line. */
  startupMs: number;
  close(): Promise<void>;
}

export interface BenchOptions extends DaemonArgs {
  /**
   * The sandbox's HTTP keep-alive timeout, ms. The sandbox ships with 1000, and its
   * \`Keep-Alive: timeout=1\` makes the daemon's HTTP client close every connection after one
   * request (Node's Agent, like undici, keeps a 1 s safety margin below the hint): a TCP connect and close per
   * Bot API call that Telegram's servers do not cause. Default 5000 (Node's own default).
   */
  keepAliveMs?: number;
  sandbox?: SandboxOptions;
  /** Fills the store before the daemon starts (e.g. a synthetic store for the scale runs). */
  prepareStore?: (storePath: string) => Promise<void>;
}

/** Starts a sandbox, writes a config, spawns the daemon and waits until it is relaying. */
export async function startBench(opts: BenchOptions = {}): Promise<Bench> {
  const sb = await startSandbox({ autoForwardDelayMs: 5, ...opts.sandbox });
  setKeepAlive(sb, opts.keepAliveMs ?? 5000);
  const dir = await mkdtemp(join(tmpdir(), "clientes-bench-"));
  const staff = sb.addUser({ first_name: "Ana", username: "ana_support" });
  const storePath = join(dir, "data", "clientes.json");
  let daemon: DaemonProcess | undefined;
  try {
    const configPath = await writeConfig(dir, sb, [staff.id], { pollTimeout: 25 });
    if (opts.prepareStore) {
      await mkdir(join(dir, "data"), { recursive: true, mode: 0o700 });
      await opts.prepareStore(storePath);
    }
    daemon = spawnDaemon(configPath, sb.token, opts);
    // The `relaying` line is logged at info; below that, the first waiting long poll says the same.
    const quiet = (opts.logLevel ?? "warn") === "warn" || opts.logLevel === "error";
    const ready = quiet ? await pollingStarted(sb, daemon) : await daemon.waitForLog(/ relaying /, 120_000);
    const d = daemon;
    return {
      sb,
      dir,
      storePath,
      daemon: d,
      staffId: staff.id,
      startupMs: ready - d.spawnedAt,
      async close() {
        await d.stop();
        await sb.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await daemon?.stop();
    await sb.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Sets the sandbox server's keep-alive timeout. The server is not part of the sandbox's
 * API, so this reaches for it and says so when it is no longer there.
 */
function setKeepAlive(sb: Sandbox, ms: number): void {
  const server = (sb as unknown as { server?: Server }).server;
  if (server === undefined || typeof server.keepAliveTimeout !== "number") {
    throw new Error("the sandbox no longer has a `server` field: update setKeepAlive in test/bench/lib/daemon.ts");
  }
  server.keepAliveTimeout = ms;
}

/** performance.now() when the daemon's first long poll is waiting in the sandbox. */
async function pollingStarted(sb: Sandbox, daemon: DaemonProcess): Promise<number> {
  let settled = false;
  const exited = new Promise<never>((_, reject) => {
    void daemon.exited.then((code) => {
      if (!settled) reject(new Error(`the daemon exited (code ${code}) before polling; its log:\n${daemon.log.join("\n")}`));
    });
  });
  try {
    await Promise.race([sb.waitFor(() => sb.isPolling(), 120_000, "the daemon's first long poll"), exited]);
    return performance.now();
  } finally {
    settled = true;
  }
}

/** Resolves when `predicate` holds, re-checked on every sandbox event; rejects after `timeoutMs`. */
export function until(sb: Sandbox, predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return sb.waitFor(() => predicate() || undefined, timeoutMs, what).then(() => undefined);
}

/** Pins every thread of this process (the sandbox, the simulated people) to `cpus`; false when taskset is missing. */
export function pinSelf(cpus: string): boolean {
  const r = spawnSync("taskset", ["-a", "-cp", cpus, String(process.pid)], { stdio: "ignore" });
  return r.status === 0;
}

/** Whether taskset is there to pin processes to cores. */
export function canPin(): boolean {
  return spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;
}
