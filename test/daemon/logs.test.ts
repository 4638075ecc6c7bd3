/**
 * The log of a real `clientes start` process, as journald, Loki or a person reads it:
 * JSON lines that parse, one entry per event (a multi-line error included), and no
 * timestamp of our own when stderr is the systemd journal.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { eventually, ROOT, spawnDaemon, writeConfig, type DaemonProcess } from "./harness.ts";

let sb: Sandbox;
let dir: string;
let config: string;
let ana: { id: number };

before(async () => {
  sb = await startSandbox({ autoForwardDelayMs: 5 });
  ana = sb.addUser({ first_name: "Ana" });
});
after(async () => {
  await sb.close();
});

/** A fresh folder and config per test: each test breaks its config on purpose. */
async function freshConfig(): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = await mkdtemp(join(tmpdir(), "clientes-logs-"));
  config = await writeConfig(dir, sb, [ana.id]);
}
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Relays one customer message and returns the customer's id. */
async function relayOne(d: DaemonProcess): Promise<number> {
  const u = sb.addUser({ first_name: "Logged" });
  sb.sendPrivate(u.id, { text: "hello, is anyone there?" });
  await d.waitForLog(new RegExp(`relayed: .*${u.id}|"customer":${u.id}`));
  return u.id;
}

/** Rewrites the config with two mistakes: the daemon keeps running and logs one error of two lines. */
async function breakConfig(): Promise<void> {
  const text = await readFile(config, "utf8");
  await writeFile(config, `${text}\nretention_days: 0\nsignatures: maybe\n`);
}

test("--log-format json: every line of a real run is a JSON object, with the customer, conversation and method of each delivery", { timeout: 30_000 }, async () => {
  await freshConfig();
  const d = spawnDaemon(config, sb.token, ["--no-pacing", "--log-format", "json"]);
  let customer: number;
  try {
    await d.waitForLog(/relaying/);
    customer = await relayOne(d);
    await breakConfig();
    await d.waitForLog(/config not reloaded/);
  } finally {
    d.child.kill("SIGTERM");
  }
  assert.equal(await d.exited, 0);

  const entries = d.log.map((line) => {
    assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
    return JSON.parse(line) as Record<string, unknown>;
  });
  for (const e of entries) {
    assert.match(String(e["time"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(["debug", "info", "warn", "error"].includes(String(e["level"])), JSON.stringify(e));
    assert.equal(typeof e["msg"], "string");
  }
  const relayed = entries.find((e) => e["customer"] === customer && String(e["msg"]).startsWith("relayed:"));
  assert.ok(relayed, `a "relayed" entry for customer ${customer}`);
  assert.equal(typeof relayed["method"], "string");
  assert.equal(typeof relayed["conversation"], "number", "the topic card's post id");

  const broken = entries.find((e) => String(e["msg"]).startsWith("config not reloaded"));
  assert.equal(broken?.["level"], "error");
  assert.match(String(broken["msg"]), /retention_days.*\n.*signatures/, "both problems, in the one entry");
  assert.ok(entries.at(-1)?.["msg"] === "store saved; stopped");
});

test("text on a pipe: every line is a whole entry with its timestamp and level, a multi-line error included", { timeout: 30_000 }, async () => {
  await freshConfig();
  const d = spawnDaemon(config, sb.token);
  try {
    await d.waitForLog(/relaying/);
    await relayOne(d);
    await breakConfig();
    await d.waitForLog(/config not reloaded/);
  } finally {
    d.child.kill("SIGTERM");
  }
  assert.equal(await d.exited, 0);
  for (const line of d.log) assert.match(line, /^\d{4}-\d\d-\d\dT\S+Z (debug|info |warn |error) \S/, `a line that is not an entry of its own: ${JSON.stringify(line)}`);
  const broken = d.log.find((l) => l.includes("config not reloaded"));
  assert.match(broken ?? "", /retention_days.*\\n.*signatures/, "the line break written as \\n, inside the entry");
});

/** `clientes start` with stderr into a file, as systemd hands the journal's stream to a service. */
async function startWithStderrFile(journalStream: (dev: bigint, ino: bigint) => string): Promise<string[]> {
  await freshConfig();
  const path = join(dir, "stderr.log");
  const file = await open(path, "w");
  const { dev, ino } = await stat(path, { bigint: true });
  const child = spawn(join(ROOT, "bin", "clientes"), ["--config", config, "start", "--no-pacing"], {
    env: { ...process.env, CLIENTES_BOT_TOKEN: sb.token, CLIENTES_CONFIG: "", JOURNAL_STREAM: journalStream(dev, ino) },
    stdio: ["ignore", "ignore", file.fd],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await file.close();
  try {
    await eventually(async () => (await readFile(path, "utf8")).includes("relaying"), "the daemon's first log entries", 15_000);
  } finally {
    child.kill("SIGTERM");
  }
  assert.equal(await exited, 0);
  return (await readFile(path, "utf8")).split("\n").filter(Boolean);
}

test("under systemd (stderr is JOURNAL_STREAM): no timestamp of our own, and each entry's syslog priority first", { timeout: 30_000 }, async () => {
  const lines = await startWithStderrFile((dev, ino) => `${dev}:${ino}`);
  assert.ok(lines.length >= 2, lines.join("\n"));
  for (const line of lines) assert.match(line, /^<[3467]>(debug|info |warn |error) \S/, `journal entry: ${line}`);
  assert.ok(lines.some((l) => /^<6>info  @\w+ relaying/.test(l)));
  assert.ok(lines.every((l) => !/\d{4}-\d\d-\d\dT\d\d:/.test(l.slice(0, 40))), "no timestamp at the start");
});

test("JOURNAL_STREAM inherited but stderr elsewhere (a shell started from a systemd session): timestamps stay", { timeout: 30_000 }, async () => {
  const lines = await startWithStderrFile((dev, ino) => `${dev}:${ino + 1n}`);
  assert.ok(lines.length >= 2, lines.join("\n"));
  for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\S+Z (debug|info |warn |error) \S/);
});
