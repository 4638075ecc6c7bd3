/**
 * The Dockerfile and contrib/compose.yaml. No Docker daemon is needed: these check what
 * the image must get right (CI builds it where a daemon exists, see .ci/run).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { run } from "../cli/helpers.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Dockerfile instructions, continuation lines joined, comments dropped. */
async function instructions(): Promise<{ op: string; args: string }[]> {
  const text = await readFile(join(ROOT, "Dockerfile"), "utf8");
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

test("the image: Node 20 slim, production dependencies from the lock file, no npx", async () => {
  const ins = await instructions();
  assert.equal(ins[0]?.op, "FROM");
  assert.equal(ins[0]?.args, "node:20-slim");
  assert.ok(ins.some((i) => i.op === "RUN" && /\bnpm ci --omit=dev\b/.test(i.args)), "npm ci --omit=dev");
  assert.ok(ins.every((i) => !/\bnpx\b/.test(i.args)));
});

test("the image runs as an unprivileged user, with config and store in a volume", async () => {
  const ins = await instructions();
  const users = ins.filter((i) => i.op === "USER");
  assert.ok(users.length > 0, "a USER instruction");
  assert.doesNotMatch(users.at(-1)!.args, /^(root|0)(:|$)/, "the last USER is not root");
  const volume = ins.find((i) => i.op === "VOLUME");
  assert.ok(volume, "a VOLUME");
  const dirs = JSON.parse(volume.args) as string[];
  const env = ins.filter((i) => i.op === "ENV").map((i) => i.args).join(" ");
  const config = /CLIENTES_CONFIG=(\S+)/.exec(env)?.[1];
  assert.ok(config && dirs.some((d) => config.startsWith(`${d}/`)), `CLIENTES_CONFIG (${config}) is inside the volume (${dirs})`);
  assert.ok(ins.some((i) => i.op === "WORKDIR" && dirs.includes(i.args)), "relative paths (the store) land in the volume too");
});

test("the image stops with SIGTERM reaching node itself, and is healthy when `clientes check --quiet` passes", async () => {
  const ins = await instructions();
  const entry = ins.find((i) => i.op === "ENTRYPOINT");
  assert.ok(entry, "an ENTRYPOINT");
  // The exec form: a shell in between would not pass SIGTERM on.
  assert.deepEqual(JSON.parse(entry.args), ["clientes"]);
  assert.deepEqual(JSON.parse(ins.find((i) => i.op === "CMD")!.args), ["start"]);
  assert.equal(ins.find((i) => i.op === "STOPSIGNAL")?.args, "SIGTERM");
  const health = ins.find((i) => i.op === "HEALTHCHECK");
  assert.ok(health, "a HEALTHCHECK");
  const cmd = /\bCMD (\[.*\])$/.exec(health.args)?.[1];
  assert.deepEqual(JSON.parse(cmd ?? "null"), ["clientes", "check", "--quiet"]);
  const help = await run(["check", "--help"], { cwd: ROOT });
  assert.match(help.stdout, /--quiet/, "check has the option the health check uses");
});

test("everything the Dockerfile copies exists and is not excluded by .dockerignore", async () => {
  const ins = await instructions();
  const ignored = (await readFile(join(ROOT, ".dockerignore"), "utf8"))
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  for (const skip of ["node_modules", ".git", "test"]) assert.ok(ignored.includes(skip), `.dockerignore leaves out ${skip}`);
  const sources = ins.filter((i) => i.op === "COPY").flatMap((i) => i.args.split(/\s+/).slice(0, -1));
  assert.ok(sources.includes("bin/") && sources.includes("src/") && sources.includes("package-lock.json"));
  for (const src of sources) {
    await stat(join(ROOT, src));
    assert.ok(!ignored.includes(src.replace(/\/$/, "")), `${src} is not in .dockerignore`);
  }
});

test("contrib/compose.yaml builds this image and keeps /data in a named volume, restarting, with time to stop", async () => {
  const compose = parse(await readFile(join(ROOT, "contrib", "compose.yaml"), "utf8")) as {
    services: Record<string, { build: string; restart: string; stop_grace_period: string; volumes: string[]; environment?: Record<string, string> }>;
    volumes: Record<string, unknown>;
  };
  const svc = compose.services["clientes"];
  assert.ok(svc, "a clientes service");
  await stat(join(ROOT, "contrib", svc.build, "Dockerfile"));
  assert.match(svc.restart, /^(unless-stopped|always|on-failure)/);
  assert.ok(Number.parseInt(svc.stop_grace_period, 10) >= 15, "the daemon gets more than Docker's default 10 s to save its store");
  const volume = svc.volumes.find((v) => v.endsWith(":/data"));
  assert.ok(volume, "/data is a volume");
  assert.ok(volume.split(":")[0]! in compose.volumes, "a named volume, not a path that depends on where compose runs");
});
