/** The daemon's health file: what it holds, when it is written, and that it never costs the relay. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { HealthReporter, healthPath, readHealth } from "../../src/daemon/health.ts";
import type { Logger } from "../../src/log.ts";
import { eventually } from "./harness.ts";

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(`debug ${m}`), info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

const TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";

test("written next to the store, readable by status, the last problem scrubbed of the token, 'stopped' at close", async () => {
  const dir = await mkdtemp(join(tmpdir(), "clientes-health-"));
  try {
    const store = join(dir, "clientes.json");
    const log = recorder();
    const h = new HealthReporter({ storePath: store, pid: 77, log, now: () => Date.UTC(2026, 0, 1), secrets: [TOKEN] });
    const watched = h.watching(log);
    h.start(10);
    watched.warn(`cannot reach https://api.telegram.org/bot${TOKEN}/getMe\nsecond line`);
    h.state = "polling";
    h.lastPollAt = Date.UTC(2026, 0, 1);
    const health = await eventually(async () => {
      const h = await readHealth(store);
      return h?.state === "polling" && h;
    }, "the polling state written by the timer");
    assert.equal(health.pid, 77);
    assert.equal(health.last_poll_at, "2026-01-01T00:00:00.000Z");
    assert.deepEqual(health.last_error, { at: "2026-01-01T00:00:00.000Z", level: "warn", message: "cannot reach https://api.telegram.org/bot***/getMe" });
    assert.equal(log.lines.length, 1, "the line itself still reaches the log");
    assert.equal((await stat(healthPath(store))).mode & 0o777, 0o600);
    await h.close();
    assert.equal((await readHealth(store))?.state, "stopped");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an unwritable folder: one warning, and the daemon carries on", async () => {
  const log = recorder();
  const h = new HealthReporter({ storePath: "/nonexistent/folder/clientes.json", pid: 1, log });
  h.start(5);
  h.state = "polling";
  await h.close();
  assert.equal(log.lines.filter((l) => /cannot write the health file/.test(l)).length, 1);
});

test("a missing or garbled file reads as none", async () => {
  const dir = await mkdtemp(join(tmpdir(), "clientes-health-"));
  try {
    assert.equal(await readHealth(join(dir, "s.json")), undefined);
    await writeFile(healthPath(join(dir, "s.json")), "{not json");
    assert.equal(await readHealth(join(dir, "s.json")), undefined);
    assert.equal(await readFile(healthPath(join(dir, "s.json")), "utf8"), "{not json", "never rewritten by a reader");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
