/**
 * contrib/*.service, the systemd units the README tells operators to install: what a
 * desk that must survive reboots and crashes needs from them, and `systemd-analyze verify`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { run as runCli } from "../cli/helpers.ts";

const run = promisify(execFile);
const CONTRIB = new URL("../../contrib/", import.meta.url).pathname;
const UNITS = { "clientes.service": ["start"], "clientes-webhook.service": ["start", "--webhook"] } as const;

type Unit = Record<string, Record<string, string[]>>;

/** Sections → keys → every value given (systemd keys may repeat). */
function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section: Record<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = unit[head[1]!] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    assert.ok(section && eq > 0, `a key=value line inside a section: ${line}`);
    (section[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return unit;
}

const one = (unit: Unit, section: string, key: string): string => {
  const values = unit[section]?.[key];
  assert.ok(values && values.length > 0, `[${section}] ${key}= is set`);
  return values.at(-1)!;
};

for (const [name, args] of Object.entries(UNITS)) {
  test(`${name} runs the installed binary as its own user, after the network, restarts with a delay, stops with SIGTERM, starts at boot`, async () => {
    const unit = parseUnit(await readFile(join(CONTRIB, name), "utf8"));
    assert.match(one(unit, "Unit", "After"), /\bnetwork-online\.target\b/);
    assert.match(one(unit, "Unit", "Wants"), /\bnetwork-online\.target\b/);

    const exec = one(unit, "Service", "ExecStart").split(/\s+/);
    assert.match(exec[0]!, /^\/.*\/clientes$/, "an absolute path to the installed clientes, not npx (which does not pass SIGTERM on)");
    assert.ok(!exec.includes("npx") && !exec.includes("npm"), "no npx/npm in between");
    assert.deepEqual(exec.slice(-args.length), [...args]);
    assert.equal(one(unit, "Service", "User"), "clientes");
    assert.equal(one(unit, "Service", "StateDirectory"), "clientes");
    assert.equal(one(unit, "Service", "WorkingDirectory"), "/var/lib/clientes");
    assert.ok(exec.join(" ").includes("--config /var/lib/clientes/config.yaml"), "the config in the state folder");
    assert.equal(one(unit, "Service", "Restart"), "on-failure");
    assert.match(one(unit, "Service", "RestartSec"), /^[1-9]\d*s?$/, "a delay between restarts");
    assert.equal(one(unit, "Service", "RestartPreventExitStatus"), "2", "a bad config (exit 2) is not restarted in a loop");
    assert.equal(one(unit, "Service", "KillSignal"), "SIGTERM");
    assert.equal(one(unit, "Install", "WantedBy"), "multi-user.target");
  });
}

test("each unit's ExecStart flags are ones clientes takes (start --webhook)", async () => {
  for (const name of Object.keys(UNITS)) {
    const exec = one(parseUnit(await readFile(join(CONTRIB, name), "utf8")), "Service", "ExecStart").split(/\s+/);
    const r = await runCli([...exec.slice(1), "--help"], { cwd: "/" });
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    for (const flag of exec.slice(1).filter((a) => a.startsWith("--"))) assert.ok(r.stdout.includes(flag), `${name}: ${flag} is in clientes start --help`);
  }
});

test("the webhook unit and the polling unit exclude each other", async () => {
  const unit = parseUnit(await readFile(join(CONTRIB, "clientes-webhook.service"), "utf8"));
  assert.match(one(unit, "Unit", "Conflicts"), /\bclientes\.service\b/);
});

const analyze = await run("systemd-analyze", ["--version"]).then(
  () => true,
  () => false,
);

test(
  "systemd-analyze verify accepts both units without a warning",
  { skip: analyze ? false : "systemd-analyze is not installed here (it comes with systemd)", timeout: 30_000 },
  async () => {
    // verify insists that ExecStart's binary exists: point it at a stand-in in a temp folder.
    const dir = await mkdtemp(join(tmpdir(), "clientes-units-"));
    try {
      const bin = join(dir, "clientes");
      await writeFile(bin, "#!/bin/sh\n");
      await chmod(bin, 0o755);
      const paths: string[] = [];
      for (const name of Object.keys(UNITS)) {
        const text = await readFile(join(CONTRIB, name), "utf8");
        const path = join(dir, name);
        await writeFile(path, text.replaceAll("ExecStart=/usr/local/bin/clientes ", `ExecStart=${bin} `));
        paths.push(path);
      }
      const { stderr } = await run("systemd-analyze", ["verify", "--man=no", ...paths], { timeout: 20_000 });
      assert.equal(stderr.trim(), "", "no warning (an unknown or misspelt key is only a warning)");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
