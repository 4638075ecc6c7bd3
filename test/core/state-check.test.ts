import { test } from "node:test";
import assert from "node:assert/strict";
import { checkState } from "../../src/core/state-check.ts";
import { emptyState, type Conversation, type State } from "../../src/core/state.ts";

function conversation(id: number): Conversation {
  return {
    customer: { id, first_name: "Ana" },
    status: "open",
    banned: false,
    blocked: false,
    priority: 3,
    failures: 0,
    createdAt: 1,
    firstMessageAt: 1,
    card: 10,
    root: 20,
    formerRoots: [5],
    queues: { team: [{ id: 1, at: 1, kind: "in", p: 3 }], customer: [], card: [], staff: [] },
  };
}

function state(): State {
  return {
    ...emptyState(),
    offset: 9,
    conversations: { "42": conversation(42) },
    pendingRoots: { "11": 21 },
    links: { "42": [20, 3, 1700000000] },
    staff: { "7": { notify: true } },
    replyUses: { horario: { count: 2, last: 1700000000000 } },
    merged: { "20": [{ p: 3, text: "hi" }, { p: 4, text: "there" }] },
    recentSends: { "-100": [1700000000000] },
  };
}

test("a state the daemon writes passes", () => {
  assert.equal(checkState(emptyState()), undefined);
  assert.equal(checkState(state()), undefined);
  const older = state();
  delete (older.conversations["42"]!.queues as Partial<Conversation["queues"]>).card;
  assert.equal(checkState(older), undefined, "one written before the card lane existed too");
  (older.conversations["42"]!.queues as Record<string, unknown>).card = "x";
  assert.match(checkState(older) ?? "", /has queues\.card "x", expected a list of jobs/);
});

test("a record of the wrong shape is named, with what was expected (and no customer data)", () => {
  const cases: Array<[(s: State & Record<string, unknown>) => void, RegExp]> = [
    [(s) => (s.offset = -1), /^offset is the number -1, expected a whole number$/],
    [(s) => ((s.staff as Record<string, unknown>)["7"] = true), /^staff\["7"\] is true, expected a staff record \(an object\)$/],
    [(s) => ((s.replyUses as Record<string, unknown>).horario = { count: "2" }), /^replyUses\["horario"\] is an object, expected a use count/],
    [(s) => ((s as Record<string, unknown>).conversations = []), /^conversations is a list of 0, expected an object$/],
    [(s) => ((s.conversations as Record<string, unknown>)["42"] = "Ana Souza, +55 11 9999"), /^conversations\["42"\] is a text, expected a conversation/],
    [(s) => ((s.conversations["42"] as unknown as Record<string, unknown>).customer = { first_name: "Ana" }), /^conversations\["42"\] has customer an object, expected an object with a numeric id$/],
    [(s) => ((s.conversations["42"] as unknown as Record<string, unknown>).status = "pending"), /^conversations\["42"\] has status "pending", expected "open" or "closed"$/],
    [(s) => ((s.conversations["42"]!.queues as Record<string, unknown>).customer = undefined), /^conversations\["42"\] has queues\.customer missing, expected a list of jobs$/],
    [(s) => ((s.conversations["42"]!.queues.team as unknown[])[0] = 7), /^conversations\["42"\] has queues\.team\[0\] the number 7, expected a job/],
    [(s) => ((s.pendingRoots as Record<string, unknown>)["11"] = "x-1"), /^pendingRoots\["11"\] is a text, expected a message id$/],
    [(s) => (s.links["42"] = [1, 2]), /^links\["42"\] is a list of 2, expected a flat list of numbers, three per link$/],
    [(s) => ((s as Record<string, unknown>).events = undefined), /^events is missing, expected an object$/],
    [(s) => ((s.events as Record<string, unknown>)["42"] = [{ at: 1 }]), /^events\["42"\]\[0\] is an object, expected a report event/],
    [(s) => (s.merged!["20"] = [{ text: "no id" } as never]), /^merged\["20"\] is a list of 1, expected a list of parts/],
    [(s) => ((s.recentSends as Record<string, unknown>)["-100"] = ["soon"]), /^recentSends\["-100"\] is a list of 1, expected a list of times$/],
  ];
  for (const [spoil, expected] of cases) {
    const s = state() as State & Record<string, unknown>;
    spoil(s);
    assert.match(checkState(s) ?? "(passed)", expected);
  }
  assert.match(checkState([]) ?? "", /^the data is a list of 0, expected an object$/);
});
