import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseDocument } from "yaml";
import { addStaffTo, displayName, findStaff, humanAdmins, parseStaffId, removeStaffFrom, renameStaffIn } from "../../src/setup/staff.ts";

const FILE = `# top comment
channel: -1001 # the channel

# Who may answer customers.
staff:
  - id: 111 # the boss
    name: "Ana"
  - id: 222

locale: "en" # language
`;

describe("staff list edits", () => {
  test("adding appends block entries with quoted names and keeps every comment", () => {
    const doc = parseDocument(FILE);
    addStaffTo(doc, [{ id: 333, name: "Bia Souza" }, { id: 444 }]);
    const text = doc.toString({ lineWidth: 0 });
    assert.match(text, /# top comment/);
    assert.match(text, /channel: -1001 # the channel/);
    assert.match(text, /# Who may answer customers\./);
    assert.match(text, /- id: 111 # the boss/);
    assert.match(text, /locale: "en" # language/);
    assert.match(text, /  - id: 333\n    name: "Bia Souza"\n  - id: 444\n/);
    assert.deepEqual((doc.toJS() as { staff: unknown }).staff, [{ id: 111, name: "Ana" }, { id: 222 }, { id: 333, name: "Bia Souza" }, { id: 444 }]);
  });

  test("an empty `staff: []` or a missing key becomes a block list", () => {
    const empty = parseDocument("channel: -1001\nstaff: []\nlocale: en\n");
    addStaffTo(empty, [{ id: 1, name: "Ana" }]);
    assert.equal(empty.toString(), 'channel: -1001\nstaff:\n  - id: 1\n    name: "Ana"\nlocale: en\n');
    const missing = parseDocument("channel: -1001\n");
    addStaffTo(missing, [{ id: 2 }]);
    assert.equal(missing.toString(), "channel: -1001\nstaff:\n  - id: 2\n");
    const nulled = parseDocument("staff:\nlocale: en\n");
    addStaffTo(nulled, [{ id: 3 }]);
    assert.deepEqual((nulled.toJS() as { staff: unknown }).staff, [{ id: 3 }]);
  });

  test("removing drops only that entry; the others keep their comments", () => {
    const doc = parseDocument(FILE);
    assert.equal(removeStaffFrom(doc, 222), true);
    const text = doc.toString({ lineWidth: 0 });
    assert.match(text, /- id: 111 # the boss\n    name: "Ana"\n/);
    assert.doesNotMatch(text, /222/);
    assert.match(text, /locale: "en" # language/);
    assert.equal(removeStaffFrom(doc, 999), false);
    assert.equal(removeStaffFrom(parseDocument("channel: 1\n"), 1), false);
  });

  test("humanAdmins leaves bots out and names people by first and last name", () => {
    const admins = humanAdmins([
      { status: "creator", user: { id: 1, is_bot: false, first_name: "Olga", last_name: "Lima" }, is_anonymous: false },
      { status: "administrator", user: { id: 2, is_bot: true, first_name: "Relay" } } as never,
      { status: "administrator", user: { id: 3, is_bot: false, first_name: "Bia" } } as never,
    ]);
    assert.deepEqual(admins, [{ id: 1, name: "Olga Lima" }, { id: 3, name: "Bia" }]);
    assert.equal(displayName({ first_name: " ", last_name: "X" }), "X");
  });

  test("parseStaffId takes positive ids and explains chat ids and usernames", () => {
    assert.deepEqual(parseStaffId(" 111 "), { ok: true, id: 111 });
    const neg = parseStaffId("-1001");
    assert.ok(!neg.ok && /chat id/.test(neg.why));
    const at = parseStaffId("@ana");
    assert.ok(!at.ok && /numeric Telegram id/.test(at.why));
    const zero = parseStaffId("0");
    assert.ok(!zero.ok);
  });

  test("renameStaffIn sets a quoted name and keeps the entry's comment", () => {
    const doc = parseDocument(FILE);
    assert.equal(renameStaffIn(doc, 111, "Ana Lima"), true);
    assert.equal(renameStaffIn(doc, 222, "Bia"), true);
    assert.equal(renameStaffIn(doc, 999, "Nobody"), false);
    const text = doc.toString({ lineWidth: 0 });
    assert.match(text, /  - id: 111 # the boss\n    name: "Ana Lima"\n  - id: 222\n    name: "Bia"\n/);
  });

  test("findStaff: by id, by name (case and accents ignored), and a did-you-mean when neither", () => {
    const staff = [{ id: 111, name: "João" }, { id: 222, name: "Ana" }, { id: 333, name: "Ana" }, { id: 444 }];
    assert.deepEqual(findStaff(staff, "111", "c.yaml"), { ok: true, member: staff[0] });
    assert.deepEqual(findStaff(staff, "joao", "c.yaml"), { ok: true, member: staff[0] });
    const twice = findStaff(staff, "ana", "c.yaml");
    assert.ok(!twice.ok && twice.badUsage && /2 staff members are called "ana": Ana \(222\), Ana \(333\)/.test(twice.problem));
    const typo = findStaff(staff, "Joa", "c.yaml");
    assert.ok(!typo.ok && !typo.badUsage && /"Joa" is not on the staff list of c\.yaml/.test(typo.problem) && /did you mean João \(111\)\?/.test(typo.hint));
    const id = findStaff(staff, "4444", "c.yaml");
    assert.ok(!id.ok && /did you mean 444\?/.test(id.hint));
    const chat = findStaff(staff, "-1001", "c.yaml");
    assert.ok(!chat.ok && chat.badUsage && /chat id/.test(chat.problem));
  });
});
