import assert from "node:assert/strict";
import { readFile, stat, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, test } from "node:test";
import { loadConfig } from "../../src/config/index.ts";
import { openDesk, writeConfig, type SetupDesk } from "../setup/desk.ts";
import { run } from "./helpers.ts";

let desk: SetupDesk;
beforeEach(async () => {
  desk = await openDesk({});
});
afterEach(() => desk.close());

const staff = (...args: string[]) => run(["--config", desk.config, "staff", ...args], { cwd: desk.dir });
const loaded = () => loadConfig({ configPath: desk.config, env: {}, cwd: desk.dir });

/** A hand-written config with comments everywhere. */
async function handWritten(): Promise<string> {
  const text = `# My desk — do not share
bot:
  token: "${desk.sb.token}" # from BotFather
  api_root: "${desk.sb.apiRoot}"
channel: ${desk.sb.channelId} # Support cards
group: ${desk.sb.groupId}

# The team (keep this list short!)
staff:
  - id: 111111111 # Ana, mornings
    name: "Ana"
  - id: 222222222

locale: "en" # English texts
`;
  await writeFile(desk.config, text, { mode: 0o600 });
  return text;
}

describe("clientes staff", () => {
  test("add appends a member, keeps every comment, and the daemon's loader accepts the file (mode 0600)", async () => {
    const before = await handWritten();
    const r = await staff("add", "333333333", "--name", "Bia Souza");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ added Bia Souza \(333333333\) to the staff/);
    const after = await readFile(desk.config, "utf8");
    for (const comment of ["# My desk — do not share", "# from BotFather", "# Support cards", "# The team (keep this list short!)", "# Ana, mornings", "# English texts"]) {
      assert.ok(after.includes(comment), `lost ${comment}:\n${after}`);
    }
    assert.equal(after.replace(/  - id: 333333333\n    name: "Bia Souza"\n/, ""), before);
    assert.deepEqual((await loaded()).staff, [{ id: 111111111, name: "Ana" }, { id: 222222222 }, { id: 333333333, name: "Bia Souza" }]);
    assert.equal((await stat(desk.config)).mode & 0o777, 0o600);
  });

  test("add without --name adds the id alone; a duplicate is refused with who it is, nothing written", async () => {
    await handWritten();
    assert.equal((await staff("add", "444")).code, 0);
    assert.deepEqual((await loaded()).staff.at(-1), { id: 444 });
    const before = await readFile(desk.config, "utf8");
    const dup = await staff("add", "111111111");
    assert.equal(dup.code, 0);
    assert.match(dup.stderr, /Ana \(111111111\) is already staff; nothing changed \(to rename: clientes staff rename 111111111 NAME\)/);
    assert.equal(await readFile(desk.config, "utf8"), before);
  });

  test("add of a listed id with another --name renames them, saying so; comments kept", async () => {
    await handWritten();
    const r = await staff("add", "111111111", "--name", "Ana Lima");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ 111111111 was already staff: renamed from "Ana" to "Ana Lima"/);
    assert.match(await readFile(desk.config, "utf8"), /  - id: 111111111 # Ana, mornings\n    name: "Ana Lima"\n/);
    assert.deepEqual((await loaded()).staff, [{ id: 111111111, name: "Ana Lima" }, { id: 222222222 }]);
  });

  test("rename by id or by current name keeps the comments; a nameless member gets one", async () => {
    await handWritten();
    const byId = await staff("rename", "222222222", "Bia");
    assert.equal(byId.code, 0, byId.stderr);
    assert.match(byId.stderr, /✓ renamed 222222222 to "Bia"/);
    const byName = await staff("rename", "ana", "Ana Lima");
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stderr, /✓ renamed 111111111 from "Ana" to "Ana Lima"/);
    const text = await readFile(desk.config, "utf8");
    assert.match(text, /# The team \(keep this list short!\)/);
    assert.match(text, /- id: 111111111 # Ana, mornings/);
    assert.deepEqual((await loaded()).staff, [{ id: 111111111, name: "Ana Lima" }, { id: 222222222, name: "Bia" }]);
    const same = await staff("rename", "Bia", "Bia");
    assert.equal(same.code, 0);
    assert.match(same.stderr, /already staff with that name; nothing changed/);
    const empty = await staff("rename", "Bia", " ");
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /NAME: the name is empty/);
  });

  test("an unknown id or name: exit 1 with the members it most likely meant", async () => {
    await handWritten();
    const before = await readFile(desk.config, "utf8");
    const id = await staff("rename", "11111111", "X");
    assert.equal(id.code, 1);
    assert.match(id.stderr, /error: 11111111 is not on the staff list of .*config\.yaml/);
    assert.match(id.stderr, /hint: did you mean Ana \(111111111\)\?/);
    const name = await staff("remove", "Anna");
    assert.equal(name.code, 1);
    assert.match(name.stderr, /error: "Anna" is not on the staff list/);
    assert.match(name.stderr, /hint: did you mean Ana \(111111111\)\?/);
    const far = await staff("remove", "Zeca");
    assert.match(far.stderr, /hint: see who is staff with: clientes staff list/);
    assert.equal(await readFile(desk.config, "utf8"), before);
  });

  test("a bad id is bad usage (exit 2) saying what an id is", async () => {
    await handWritten();
    const r = await staff("add", "@ana");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /numeric Telegram id/);
    const zero = await staff("add", "abc");
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /positive whole number/);
  });

  test("list shows a table, --json the list", async () => {
    await handWritten();
    const r = await staff("list");
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "ID         NAME\n111111111  Ana\n222222222\n");
    assert.match(r.stderr, /2 staff members/);
    const j = await staff("list", "--json");
    assert.deepEqual(JSON.parse(j.stdout), [
      { id: 111111111, name: "Ana", notify: false },
      { id: 222222222, name: null, notify: false },
    ]);
  });

  test("list with no staff says how to add some; --json is []", async () => {
    await writeConfig(desk, { staff: [] });
    const r = await staff("list");
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /no staff yet.*clientes staff sync/);
    assert.deepEqual(JSON.parse((await staff("list", "--json")).stdout), []);
  });

  test("remove drops one member and keeps the comments; an unknown id is exit 1", async () => {
    await handWritten();
    const r = await staff("remove", "222222222");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ removed 222222222 from the staff/);
    const text = await readFile(desk.config, "utf8");
    assert.match(text, /  - id: 111111111 # Ana, mornings\n    name: "Ana"\n/);
    assert.match(text, /# The team \(keep this list short!\)/);
    assert.deepEqual((await loaded()).staff, [{ id: 111111111, name: "Ana" }]);
    const again = await staff("remove", "222222222");
    assert.equal(again.code, 1);
    assert.match(again.stderr, /222222222 is not on the staff list/);
    assert.match(again.stderr, /hint: see who is staff with: clientes staff list/);
  });

  test("sync adds the channel's human admins not listed yet, says who; a second sync adds nobody", async () => {
    await handWritten();
    const bia = desk.sb.addUser({ first_name: "Bia", last_name: "Souza" });
    desk.sb.makeAdmin("channel", bia.id);
    const robot = desk.sb.addUser({ first_name: "Other bot", is_bot: true });
    desk.sb.makeAdmin("channel", robot.id);
    const r = await staff("sync");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✓ added Olivia Owner \(100000001\)/);
    assert.match(r.stderr, new RegExp(`✓ added Bia Souza \\(${bia.id}\\)`));
    assert.match(r.stderr, /2 added to the staff .*; 4 in all/);
    assert.doesNotMatch(r.stderr, /Other bot|Clientes Sandbox/);
    const ids = (await loaded()).staff.map((m) => m.id);
    assert.deepEqual(ids, [111111111, 222222222, 100000001, bia.id]);
    assert.match(await readFile(desk.config, "utf8"), /# Ana, mornings/);
    const again = await staff("sync");
    assert.equal(again.code, 0);
    assert.match(again.stderr, /nothing to add: the channel's 2 human admins are already staff/);
  });

  test("sync when Telegram refuses says why and points at clientes check; nothing written", async () => {
    await handWritten();
    const before = await readFile(desk.config, "utf8");
    desk.sb.failNext({ method: "getChatAdministrators", code: 400, description: "Bad Request: chat not found" });
    const r = await staff("sync");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read the channel's administrators: Telegram says: Bad Request: chat not found/);
    assert.match(r.stderr, /hint: /);
    assert.equal(await readFile(desk.config, "utf8"), before);
  });

  test("a config that is not valid YAML is refused and left alone", async () => {
    await writeFile(desk.config, "staff: [\n", { mode: 0o600 });
    const r = await staff("add", "1");
    assert.equal(r.code, 2);
    assert.equal(await readFile(desk.config, "utf8"), "staff: [\n");
  });

  test("--help of staff and its subcommands shows examples", async () => {
    const r = await run(["staff", "--help"], { cwd: desk.dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\$ clientes staff add 111111111 --name "Ana"/);
    const sub = await run(["staff", "sync", "--help"], { cwd: desk.dir });
    assert.match(sub.stdout, /Examples:\n  \$ clientes staff sync/);
    assert.match(sub.stdout, /--config <path>/);
  });
});
