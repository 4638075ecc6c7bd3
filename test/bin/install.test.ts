/**
 * The package as an operator installs it: `npm pack`, then `npm install -g` of the tarball
 * into a temporary prefix, and the installed `clientes` run from a folder outside the clone
 * (so nothing can resolve through the checkout's node_modules).
 *
 * Installing needs the packages in npm's cache or the npm registry; `--prefer-offline`
 * takes them from the cache that `npm ci` filled (about 5 s here), so the test is bounded
 * by a timeout rather than skipped.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = new URL("../..", import.meta.url).pathname;
const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };

// npm writes a debug log per run under ~/.npm/_logs unless told not to.
const NPM_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--logs-max=0", "--update-notifier=false"];

let dir: string;
let tarball: string;
let bin: string;
let files: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "clientes-install-"));
  const packed = await run("npm", ["pack", "--json", "--pack-destination", dir, ...NPM_FLAGS], { cwd: ROOT, timeout: 60_000 });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, info!.filename);
  files = info!.files.map((f) => f.path);
  await run("npm", ["install", "--global", "--prefix", join(dir, "prefix"), tarball, ...NPM_FLAGS], { cwd: dir, timeout: 120_000 });
  bin = join(dir, "prefix", "bin", "clientes");
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("the tarball holds the program, its docs, the example config and the service units, and no tests", () => {
  for (const f of ["package.json", "bin/clientes", "src/cli/main.ts", "src/demo/page/index.html", "config.example.yaml", "contrib/clientes.service", "README.md", "LICENSE", "CHANGELOG.md"]) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  assert.deepEqual(files.filter((f) => f.startsWith("test/") || f.includes("node_modules/")), []);
});

test("the installed `clientes --version` prints package.json's version", { timeout: 30_000 }, async () => {
  const { stdout } = await run(bin, ["--version"], { cwd: dir, timeout: 20_000 });
  assert.equal(stdout.trim(), pkg.version);
});

test("the installed `clientes demo` serves its page and stops cleanly on Ctrl+C", { timeout: 60_000 }, async () => {
  const child = spawn(bin, ["demo"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within 30 s; stderr:\n${stderr}`)), 30_000);
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        const m = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then((code) => reject(new Error(`exited ${code} before printing an address; stderr:\n${stderr}`)));
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /clientes demo/);
  } finally {
    child.kill("SIGINT");
  }
  assert.equal(await exited, 0);
  assert.match(stderr, /stopped; temp folder removed/);
});
