import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { COLLECTIONS } from "../../src/core/state.ts";
import { openStateStore } from "../../src/daemon/daemon.ts";
import { renderConfig } from "../../src/setup/config-text.ts";
import { ANA } from "../core/helpers.ts";
import { BRUNO, scriptedWeek } from "../setup/week.ts";
import { run, tempDir } from "./helpers.ts";

const TOKEN = "123456:TEST-sandbox-token-0123456789abcdef";
const SERVICE = `
hours:
  timezone: "America/Sao_Paulo"
  week:
    mon-fri: "09:00-18:00"
    sat: "09:00-12:00"
sla:
  first_response_minutes: 30
  response_minutes: 60
`;
const WEEK = ["--since", "2026-03-02", "--until", "2026-03-08"];

describe("clientes report", () => {
  let dir = "";
  let cleanup = async () => {};
  let store = "";
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    store = join(dir, "data", "clientes.json");
    const config = renderConfig({ token: TOKEN, channel: -1001, group: -1002, staff: [{ id: ANA, name: "Ana" }, { id: BRUNO, name: "Bruno" }], locale: "en" });
    await writeFile(join(dir, "config.yaml"), config + SERVICE);
  });
  afterEach(() => cleanup());

  /** The scripted week, stored as the daemon stores it (locked, journaled), then released. */
  async function writeWeek(): Promise<void> {
    const s = await openStateStore(store, { pid: 999_999, isPidAlive: () => false });
    Object.assign(s.data, scriptedWeek());
    for (const c of COLLECTIONS) for (const key of Object.keys(s.data[c] ?? {})) s.dirty[c].add(key);
    await s.write();
    await s.close();
  }

  test("text: the week's figures in business time, then per owner, tag and origin", async () => {
    await writeWeek();
    const r = await run(["report", ...WEEK], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const [head, owners, tags, origins] = r.stdout.split("\n\n");
    assert.deepEqual(head!.split("\n"), [
      "report from 2026-03-02 00:00 to 2026-03-09 00:00 (America/Sao_Paulo); times count business hours only",
      "conversations: 6 opened, 1 reopened, 5 closed",
      "first response: p50 30 min, p90 1 h (over 5 answers)",
      "resolution: p50 1 h, p90 2 h (over 5 closings)",
      "SLA met: 57.1% (4 of 7 waits answered within target)",
      "CSAT: 4.00 from 3 ratings (1★ 0, 2★ 0, 3★ 1, 4★ 1, 5★ 1)",
    ]);
    assert.deepEqual(owners!.split("\n"), [
      "OWNER     OPENED  REOPENED  CLOSED  FIRST P50  FIRST P90  RESOLUTION P50  RESOLUTION P90  SLA MET  CSAT",
      "Ana       2       0         2       12 min     1 h        1 h             1 h 15 min      66.7%    4.00 (2)",
      "Bruno     1       0         1       30 min     30 min     2 h             2 h             100%     -",
      "(nobody)  3       1         2       20 min     40 min     1 h             1 h             33.3%    4.00 (1)",
    ]);
    assert.match(tags!, /^TAG {7}/);
    assert.deepEqual(tags!.split("\n").slice(1).map((l) => l.split(/\s{2,}/)[0]), ["#billing", "#shipping", "#urgent", "(no tag)"]);
    assert.deepEqual(origins!.trimEnd().split("\n").slice(1).map((l) => l.split(/\s{2,}/)[0]), ["instagram", "promo", "(none)"]);
  });

  test("--json and --csv carry the same figures", async () => {
    await writeWeek();
    const j = await run(["report", ...WEEK, "--json"], { cwd: dir });
    assert.equal(j.code, 0, j.stderr);
    const json = JSON.parse(j.stdout) as { total: Record<string, unknown>; timezone: string; by_owner: Array<{ owner_name: string | null }> };
    assert.equal(json.timezone, "America/Sao_Paulo");
    assert.deepEqual(json.total.first_response, { count: 5, p50_seconds: 1800, p90_seconds: 3600 });
    assert.deepEqual(json.total.sla, { waits: 7, met: 4, met_percent: 57.1 });
    assert.deepEqual(json.by_owner.map((g) => g.owner_name), ["Ana", "Bruno", null]);
    const c = await run(["report", ...WEEK, "--csv"], { cwd: dir });
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^group,key,name,opened,/);
    assert.match(c.stdout, /\r\ntotal,,,6,1,5,5,1800,3600,5,3600,7200,7,4,57\.1,3,4,0,0,1,1,1\r\n/);
  });

  test("works while the daemon holds the store, and never writes it", async () => {
    await writeWeek();
    const held = await openStateStore(store, { pid: 999_998, isPidAlive: () => true });
    try {
      const before = await readFile(store, "utf8");
      const r = await run(["report", ...WEEK, "--json"], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { total: { opened: number } }).total.opened, 6);
      assert.equal(await readFile(store, "utf8"), before);
    } finally {
      await held.close();
    }
  });

  test("no store yet: zeros, exit 0, and where the store will be", async () => {
    const r = await run(["report", "--json"], { cwd: dir });
    assert.equal(r.code, 0);
    const j = JSON.parse(r.stdout) as { total: { opened: number; csat: { count: number; average: null } } };
    assert.equal(j.total.opened, 0);
    assert.deepEqual(j.total.csat, { count: 0, average: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
    assert.match(r.stderr, /no store at .* yet/);
    const text = await run(["report"], { cwd: dir });
    assert.match(text.stdout, /conversations: 0 opened, 0 reopened, 0 closed\nfirst response: none yet\nresolution: none yet\nSLA met: no waits with a target\nCSAT: no ratings\n$/);
  });

  test("bad --since / --until and both formats: exit 2 with the accepted forms", async () => {
    const bad = await run(["report", "--since", "yesterday"], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error: --since: "yesterday" is not a period start; use 7d \(days back; also 24h or 2w\), a date like 2026-03-01, or a date and time like 2026-03-01T09:00/);
    assert.match(bad.stderr, /hint: dates and times are in America\/Sao_Paulo/);
    assert.equal(bad.stdout, "");
    const until = await run(["report", "--until", "2026-13-01"], { cwd: dir });
    assert.equal(until.code, 2);
    assert.match(until.stderr, /--until: "2026-13-01" is not a period end/);
    const order = await run(["report", "--since", "2026-03-09", "--until", "2026-03-01"], { cwd: dir });
    assert.equal(order.code, 2);
    assert.match(order.stderr, /must come before --until/);
    const both = await run(["report", "--json", "--csv"], { cwd: dir });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--json and --csv cannot be used together/);
  });

  test("a bad hours: config is exit 2 naming the key", async () => {
    await writeFile(join(dir, "config.yaml"), (await readFile(join(dir, "config.yaml"), "utf8")).replace("America/Sao_Paulo", "Mars/Olympus"));
    const r = await run(["report"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hours\.timezone: "Mars\/Olympus" is not a time zone/);
  });

  test("--help lists the period forms and examples", async () => {
    const r = await run(["report", "--help"], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--since <when>/);
    assert.match(r.stdout, /2026-03-01T09:00/);
    assert.match(r.stdout, /\$ clientes report --since 30d --json/);
    assert.match(r.stdout, /no message content is kept/);
  });
});
