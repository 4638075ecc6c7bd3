/** Runs the CLI in-process with a fake Runtime, as a user would from a shell. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main, type MainDeps } from "../../src/cli/main.ts";
import { scriptedPrompter, type ScriptedPrompter } from "../../src/cli/prompts.ts";
import type { CommandModule } from "../../src/cli/context.ts";
import type { Runtime } from "../../src/runtime.ts";

export interface RunOptions {
  cwd: string;
  /** stdin is a terminal (questions may be asked). Default false. */
  tty?: boolean;
  /** stdout and stderr are a terminal (colours, spinner). Default false: a pipe. */
  ttyOut?: boolean;
  /** Scripted answers (only used when tty). */
  answers?: unknown[];
  env?: Record<string, string | undefined>;
  /** What stdin holds (then EOF). */
  stdin?: string;
  commands?: readonly CommandModule[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  prompter: ScriptedPrompter;
}

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    text += chunk;
  });
  return () => text;
}

/** A Runtime with in-memory streams; `stdout()`/`stderr()` return what was written. */
export function fakeRuntime(argv: string[], opts: RunOptions): { rt: Runtime; stdout: () => string; stderr: () => string } {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (opts.tty) stdin.isTTY = true;
  if (opts.stdin !== undefined) stdin.end(opts.stdin);
  else if (!opts.tty) stdin.end();
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (opts.ttyOut) stdout.isTTY = stderr.isTTY = true;
  const rt: Runtime = {
    argv,
    env: opts.env ?? {},
    cwd: opts.cwd,
    stdin,
    stdout,
    stderr,
    pid: 4242,
    isPidAlive: () => false,
    shutdown: new AbortController().signal,
  };
  return { rt, stdout: collect(stdout), stderr: collect(stderr) };
}

/** `clientes <argv…>` in `opts.cwd`; resolves once main returns. */
export async function run(argv: string[], opts: RunOptions): Promise<RunResult> {
  const { rt, stdout, stderr } = fakeRuntime(argv, opts);
  const prompter = scriptedPrompter(opts.answers ?? []);
  const deps: MainDeps = { prompter };
  if (opts.commands) deps.commands = opts.commands;
  const code = await main(rt, deps);
  // PassThrough delivers 'data' asynchronously: let pending chunks arrive.
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout(), stderr: stderr(), prompter };
}

/** A fresh temp folder, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "clientes-cli-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
