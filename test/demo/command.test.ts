/**
 * `clientes demo` through the CLI's main(), as bin/clientes runs it: the page address on
 * stdout, Ctrl+C (the runtime's shutdown signal) stops everything, exit 0.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.ts";
import type { Runtime } from "../../src/runtime.ts";
import { getJson } from "./helpers.ts";

const exists = (path: string) => stat(path).then(() => true, () => false);

/** A Runtime whose Ctrl+C is `interrupt()`, with stdout/stderr collected. */
function fakeRuntime(argv: string[]) {
  const shutdown = new AbortController();
  const stdin = new PassThrough();
  stdin.end();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  stdout.on("data", (c: Buffer) => {
    out += c.toString();
    for (const w of waiters) w();
  });
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const rt: Runtime = {
    argv,
    env: {},
    cwd: "/",
    stdin,
    stdout,
    stderr,
    pid: 4242,
    isPidAlive: () => false,
    shutdown: shutdown.signal,
  };
  return {
    rt,
    stdout: () => out,
    stderr: () => err,
    interrupt: () => shutdown.abort("SIGINT"),
    /** Resolves with the page's address once it is printed. */
    url: () =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed within 5 s; stderr:\n${err}`)), 5000);
        const check = () => {
          const m = /^clientes demo: open (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
          if (!m) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(m[1]!);
        };
        waiters.add(check);
        check();
      }),
  };
}

test("`clientes demo` prints the page's address on stdout, runs until Ctrl+C, then exits 0 and removes its temp folder", async () => {
  const f = fakeRuntime(["demo"]);
  const running = main(f.rt);
  const url = await f.url();
  const info = await getJson<{ locale: string; dir: string }>(`${url}/demo/info`);
  assert.equal(info.locale, "en");
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /clientes demo/);
  assert.ok(await exists(info.dir), "the temp folder exists while running");
  assert.match(f.stderr(), new RegExp(`files in ${info.dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), "stderr says where the files are");

  f.interrupt();
  assert.equal(await running, 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(f.stdout(), `clientes demo: open ${url}\n`, "stdout holds only the address");
  assert.equal(await exists(info.dir), false, "temp folder removed");
  assert.match(f.stderr(), /stopped; temp folder removed/);
  await assert.rejects(fetch(`${url}/demo/info`), "the page is gone");
});

test("`clientes demo --keep --locale pt-BR` keeps the folder, prints its path, and speaks Portuguese", async () => {
  const f = fakeRuntime(["demo", "--keep", "--locale", "pt-BR", "--port", "0"]);
  const running = main(f.rt);
  const url = await f.url();
  const info = await getJson<{ locale: string; dir: string; bot: { first_name: string } }>(`${url}/demo/info`);
  try {
    assert.equal(info.locale, "pt-BR");
    assert.equal(info.bot.first_name, "Acme Atendimento");
    f.interrupt();
    assert.equal(await running, 0);
    await new Promise((r) => setImmediate(r));
    assert.match(f.stderr(), new RegExp(`kept ${info.dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.match(await readFile(`${info.dir}/config.yaml`, "utf8"), /locale: pt-BR/);
  } finally {
    await rm(info.dir, { recursive: true, force: true });
  }
});

test("a bad --port or --locale is bad usage (exit 2), naming the flag", async () => {
  const port = fakeRuntime(["demo", "--port", "http"]);
  assert.equal(await main(port.rt), 2);
  assert.match(port.stderr(), /--port must be a number from 0 to 65535, got "http"/);
  const big = fakeRuntime(["demo", "--port", "70000"]);
  assert.equal(await main(big.rt), 2);
  const locale = fakeRuntime(["demo", "--locale", "fr"]);
  assert.equal(await main(locale.rt), 2);
  await new Promise((r) => setImmediate(r));
  assert.match(locale.stderr(), /--locale/);
  assert.equal(port.stdout() + big.stdout() + locale.stdout(), "", "nothing started, no address printed");
});

test("`clientes demo --host 0.0.0.0` warns that anyone who reaches it can play the desk; a bad --host is bad usage", async () => {
  const f = fakeRuntime(["demo", "--host", "0.0.0.0"]);
  const running = main(f.rt);
  const url = await f.url();
  try {
    assert.match(f.stderr(), /⚠ clientes demo: listening on 0\.0\.0\.0: anyone who can reach it can play the desk/);
    assert.equal((await fetch(`${url}/demo/info`)).status, 200);
  } finally {
    f.interrupt();
  }
  assert.equal(await running, 0);
  const quiet = fakeRuntime(["demo"]);
  const alsoRunning = main(quiet.rt);
  await quiet.url();
  quiet.interrupt();
  assert.equal(await alsoRunning, 0);
  assert.doesNotMatch(quiet.stderr(), /anyone who can reach it/, "no warning on 127.0.0.1");

  const bad = fakeRuntime(["demo", "--host", "http://x"]);
  assert.equal(await main(bad.rt), 2);
  await new Promise((r) => setImmediate(r));
  assert.match(bad.stderr(), /--host must be an address like 0\.0\.0\.0/);
});

test("bin/clientes demo: Ctrl+C twice in a row still leaves no temp folder (with its token) behind", { timeout: 30_000 }, async () => {
  const bin = new URL("../../bin/clientes", import.meta.url).pathname;
  const child = spawn(bin, ["demo"], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within 20 s; stderr:\n${err}`)), 20_000);
      const look = () => {
        const m = /open (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on("data", look);
      look();
    });
    const { dir } = await getJson<{ dir: string }>(`${url}/demo/info`);
    assert.ok(existsSync(join(dir, "config.yaml")));
    child.kill("SIGINT");
    // The impatient second Ctrl+C, once the first one is being handled: the process ends at once.
    await new Promise<void>((resolve) => {
      const look = () => /stopping/.test(err) && resolve();
      child.stderr.on("data", look);
      look();
    });
    child.kill("SIGINT");
    const code = await exited;
    assert.ok(code === 130 || code === 0, `exit ${code}; stderr:\n${err}`);
    assert.equal(existsSync(dir), false, `${dir} is still there`);
  } finally {
    child.kill("SIGKILL");
  }
});

