import { test } from "node:test";
import assert from "node:assert/strict";
import { planJob, onSuccess, onFailure, type Delivery, type Plan } from "../../src/core/plan.ts";
import { handleUpdate } from "../../src/core/updates.ts";
import { jobsIn, pruneLinks } from "../../src/core/state.ts";
import type { Lane } from "../../src/core/jobs.ts";
import type { World } from "../../src/core/state.ts";
import { ANA, autoForward, CHANNEL, comment, context, CUSTOMER, GROUP, privateEdit, privateMsg, world } from "./helpers.ts";

const ctx = context();
const now = 1_000_000;

/** The head job of a lane as a delivery. */
function delivery(w: World, lane: Lane, at = now): Delivery {
  const conv = w.state.conversations[CUSTOMER]!;
  const job = jobsIn(conv, lane)[0];
  assert.ok(job, `a job in the ${lane} lane`);
  return { world: w, ctx, now: at, conv, lane, job };
}

/** Plans the head job of a lane. */
function head(w: World, lane: Lane, at = now): Plan {
  return planJob(delivery(w, lane, at));
}

/** Runs the head job as if Telegram answered `result`. */
function succeed(w: World, lane: Lane, result: unknown, at = now): Plan {
  const d = delivery(w, lane, at);
  const plan = planJob(d);
  assert.equal(plan.type, "call");
  if (plan.type !== "call") throw new Error();
  onSuccess(d, plan, result);
  d.conv.queues[lane]!.shift();
  return plan;
}

/** A call's parameters, to read whatever the method has. */
function params(plan: Plan): Record<string, unknown> {
  assert.ok(plan.type === "call");
  return plan.call.params as Record<string, unknown>;
}

function kinds(w: World, lane: Lane): string[] {
  return jobsIn(w.state.conversations[CUSTOMER]!, lane).map((j) => j.kind);
}

/** A conversation whose card (post 10) and thread (root 100) exist. */
function established(): World {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1, { text: "hello" }), now);
  succeed(w, "team", { message_id: 10 });
  handleUpdate(w, ctx, autoForward(100, 10), now);
  w.state.conversations[CUSTOMER]!.queues.team = w.state.conversations[CUSTOMER]!.queues.team.filter((j) => j.kind !== "pin");
  succeed(w, "team", { message_id: 101 }); // the copy of message 1
  w.state.conversations[CUSTOMER]!.queues.customer = [];
  return w;
}

test("a bare /start creates the card with its origin, welcomes the customer and waits for the thread root; it pins nothing", () => {
  const w = world();
  const fx = handleUpdate(w, ctx, privateMsg(1, { text: "/start ad-campaign" }), now);
  assert.deepEqual([...fx.wake], [CUSTOMER]);
  assert.deepEqual(kinds(w, "team"), ["card", "in"], "no pin: pressing Start is not a question");
  assert.equal(w.state.conversations[CUSTOMER]!.waitingSince, undefined);
  assert.deepEqual(kinds(w, "customer"), ["notice"]);
  const card = succeed(w, "team", { message_id: 10 });
  assert.equal(card.type === "call" && params(card).chat_id, CHANNEL);
  const text = card.type === "call" ? String(params(card).text) : "";
  assert.match(text, /Bia Lima/);
  assert.match(text, /@bia/);
  assert.match(text, /500/);
  assert.match(text, /ad-campaign/, "the /start payload is shown as the origin");
  assert.deepEqual(head(w, "team"), { type: "wait", why: "thread root" });
  handleUpdate(w, ctx, autoForward(100, 10), now);
  const copy = head(w, "team");
  assert.equal(copy.type, "call");
  if (copy.type === "call") {
    assert.equal(copy.call.method, "copyMessage");
    assert.deepEqual(params(copy), { chat_id: GROUP, from_chat_id: CUSTOMER, message_id: 1, reply_parameters: { message_id: 100 } });
  }
});

test("an automatic forward that arrives before sendMessage returns is not lost", () => {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1), now);
  handleUpdate(w, ctx, autoForward(100, 10), now); // card id not known yet
  succeed(w, "team", { message_id: 10 });
  assert.equal(w.state.conversations[CUSTOMER]!.root, 100);
});

test("messages that arrive before the root wait in order, and go to the thread in order", () => {
  const w = world();
  for (let i = 1; i <= 3; i++) handleUpdate(w, ctx, privateMsg(i, { text: `m${i}` }), now);
  assert.deepEqual(kinds(w, "team"), ["card", "pin", "in", "in", "in"]);
  assert.equal(Object.keys(w.state.conversations).length, 1, "one conversation, one card");
});

test("a customer's reply to the bot's copy becomes a reply to the staff comment", () => {
  const w = established();
  handleUpdate(w, ctx, comment(200, 100, ANA, { text: "How can I help?" }), now);
  succeed(w, "customer", { message_id: 7 }); // the copy in the private chat is message 7
  handleUpdate(w, ctx, privateMsg(8, { reply_to_message: { message_id: 7 } as never }), now);
  const p = head(w, "team");
  assert.ok(p.type === "call");
  assert.deepEqual(params(p).reply_parameters, { message_id: 200 });
});

test("a staff reply to the customer's message arrives as a reply to the original", () => {
  const w = established();
  handleUpdate(w, ctx, comment(200, 100, ANA, {}, 101), now); // replies to the copy of message 1
  const p = head(w, "customer");
  assert.ok(p.type === "call");
  assert.deepEqual(params(p), { chat_id: CUSTOMER, from_chat_id: GROUP, message_id: 200, reply_parameters: { message_id: 1, allow_sending_without_reply: true } });
});

test("notes stay internal, strangers are refused in the thread, the channel counts as staff", () => {
  const w = established();
  handleUpdate(w, ctx, comment(200, 100, ANA, { text: "# check the invoice first" }), now);
  assert.deepEqual(kinds(w, "customer"), []);
  handleUpdate(w, ctx, comment(201, 100, 4242, { text: "hello customer" }), now);
  assert.deepEqual(kinds(w, "customer"), []);
  assert.deepEqual(kinds(w, "team"), ["notice"]);
  const notice = head(w, "team");
  assert.ok(notice.type === "call");
  assert.match(String(params(notice).text), /not on the team/);
  assert.deepEqual(params(notice).reply_parameters, { message_id: 201 });
  handleUpdate(w, ctx, comment(202, 100, "channel", { text: "as the channel" }), now);
  assert.deepEqual(kinds(w, "customer"), ["out"]);
});

test("an album is gathered into one job and sent as one album once it settles", () => {
  const w = established();
  const photo = (id: number) => ({ media_group_id: "g1", text: undefined, photo: [{ file_id: `ph${id}`, file_unique_id: `u${id}`, width: 1, height: 1 }] });
  handleUpdate(w, ctx, privateMsg(20, photo(20) as never), now);
  handleUpdate(w, ctx, privateMsg(21, photo(21) as never), now + 100);
  assert.deepEqual(kinds(w, "team"), ["inAlbum"]);
  assert.equal(head(w, "team", now + 500).type, "wait");
  const p = head(w, "team", now + 2000);
  assert.ok(p.type === "call");
  assert.equal(p.call.method, "sendMediaGroup");
  assert.deepEqual(params(p).media, [{ type: "photo", media: "ph20" }, { type: "photo", media: "ph21" }]);
  assert.deepEqual(params(p).reply_parameters, { message_id: 100 });
});

test("a kind that cannot be copied is reported to both sides", () => {
  const w = established();
  handleUpdate(w, ctx, privateMsg(30, { text: undefined, game: { title: "x" } } as never), now);
  assert.deepEqual(kinds(w, "customer"), ["notice"]);
  assert.deepEqual(kinds(w, "team"), ["notice"]);
  const t = head(w, "team");
  assert.ok(t.type === "call");
  assert.match(String(params(t).text), /game/);
});

test("a customer edit changes the copy; when Telegram refuses, the new version is posted marked as an edit", () => {
  const w = established();
  handleUpdate(w, ctx, privateEdit(1, { text: "hello (edited)" }), now);
  const p = head(w, "team");
  assert.ok(p.type === "call");
  assert.equal(p.call.method, "editMessageText");
  assert.equal(params(p).message_id, 101);
  const res = onFailure(delivery(w, "team"), p, { cause: "cant_edit", description: "Bad Request: message can't be edited" });
  assert.equal(res.type, "again");
  const repost = head(w, "team");
  assert.ok(repost.type === "call");
  assert.equal(repost.call.method, "sendMessage");
  assert.match(String(params(repost).text), /^✏️ Edited message:\nhello \(edited\)$/);
  assert.deepEqual(params(repost).reply_parameters, { message_id: 101 });
});

test("a deleted thread is recreated and the message goes to the new one", () => {
  const w = established();
  handleUpdate(w, ctx, privateMsg(2), now);
  const p = head(w, "team");
  assert.ok(p.type === "call");
  const conv = w.state.conversations[CUSTOMER]!;
  const res = onFailure(delivery(w, "team"), p, { cause: "reply_missing", description: "Bad Request: message to be replied not found" });
  assert.equal(res.type, "again");
  assert.deepEqual(kinds(w, "team"), ["card", "pin", "in", "pin"], "the old card is unpinned after the message");
  succeed(w, "team", { message_id: 11 });
  handleUpdate(w, ctx, autoForward(300, 11), now);
  conv.queues.team.shift();
  const again = head(w, "team");
  assert.ok(again.type === "call");
  assert.deepEqual(params(again).reply_parameters, { message_id: 300 });
});

test("a customer who blocked the bot: reported in the thread and on the card", () => {
  const w = established();
  handleUpdate(w, ctx, comment(200, 100, ANA), now);
  const p = head(w, "customer");
  assert.ok(p.type === "call");
  const conv = w.state.conversations[CUSTOMER]!;
  onFailure(delivery(w, "customer"), p, { cause: "blocked", description: "Forbidden: bot was blocked by the user" });
  assert.equal(conv.blocked, true);
  assert.deepEqual(kinds(w, "team"), ["notice"]);
  assert.deepEqual(kinds(w, "card"), ["cardEdit"], "the card edit has its own lane");
  const card = head(w, "card");
  const notice = head(w, "team");
  assert.ok(notice.type === "call");
  assert.match(String(params(notice).text), /blocked the bot/);
  assert.ok(card.type === "call");
  assert.match(String(params(card).text), /customer blocked the bot/);
  assert.match(String(params(card).text), /Undelivered messages: 1/);
});

test("/close tells the customer, unpins, and a new message reopens in the same thread", () => {
  const w = established();
  handleUpdate(w, ctx, comment(200, 100, ANA, { text: "/close" }), now);
  const conv = w.state.conversations[CUSTOMER]!;
  assert.equal(conv.status, "closed");
  assert.deepEqual(kinds(w, "customer"), ["notice"]);
  assert.deepEqual(kinds(w, "team"), ["pin", "notice"]);
  assert.deepEqual(kinds(w, "card"), ["cardEdit"]);
  conv.queues.team = [];
  conv.queues.customer = [];
  conv.queues.card = [];
  handleUpdate(w, ctx, privateMsg(40), now);
  assert.equal(conv.status, "open");
  assert.equal(conv.root, 100, "same thread");
  assert.deepEqual(kinds(w, "customer"), ["notice"]);
  assert.match(String((conv.queues.customer[0] as { html: string }).html), /Welcome back/);
  assert.deepEqual(kinds(w, "team"), ["pin", "in"]);
  assert.deepEqual(kinds(w, "card"), ["cardEdit"]);
});

test("/p validates its argument; commands are never relayed; non-staff commands are refused", () => {
  const w = established();
  const conv = w.state.conversations[CUSTOMER]!;
  handleUpdate(w, ctx, comment(200, 100, ANA, { text: "/p 9" }), now);
  assert.equal(conv.priority, 3);
  assert.match(String((conv.queues.team.at(-1) as { html: string }).html), /Usage/);
  handleUpdate(w, ctx, comment(201, 100, ANA, { text: "/p 5" }), now);
  assert.equal(conv.priority, 5);
  handleUpdate(w, ctx, comment(202, 100, 4242, { text: "/close" }), now);
  assert.equal(conv.status, "open");
  assert.deepEqual(kinds(w, "customer"), []);
});

test("a banned customer's messages are not relayed and get no reply", () => {
  const w = established();
  handleUpdate(w, ctx, comment(200, 100, ANA, { text: "/ban" }), now);
  const conv = w.state.conversations[CUSTOMER]!;
  conv.queues.team = [];
  handleUpdate(w, ctx, privateMsg(50), now);
  assert.deepEqual(kinds(w, "team"), []);
  assert.deepEqual(kinds(w, "customer"), []);
});

test("automatic forwards nobody claims (admins' own posts) do not pile up in the store", () => {
  const w = world();
  for (let post = 1; post <= 500; post++) handleUpdate(w, ctx, autoForward(10_000 + post, post), now);
  assert.equal(Object.keys(w.state.pendingRoots).length, 200);
  assert.equal(w.state.pendingRoots[500], 10_500, "the newest are kept");
});

test("links older than retention_days are pruned; a reply to such a message goes to the thread's root", () => {
  const w = established();
  const day = 86_400_000;
  assert.equal(pruneLinks(w, 30, now + 29 * day), 0, "a 29-day-old link stays");
  assert.equal(pruneLinks(w, 30, now + 31 * day), 1, "a 31-day-old link goes");
  assert.deepEqual(w.state.links, {});
  handleUpdate(w, ctx, privateMsg(9, { reply_to_message: { message_id: 1 } as never }), now + 31 * day);
  const p = head(w, "team");
  assert.ok(p.type === "call");
  assert.deepEqual(params(p).reply_parameters, { message_id: 100 });
});

test("an edit whose original has no known copy any more: the customer's is reposted, staff are told theirs", () => {
  const w = established();
  pruneLinks(w, 30, now + 31 * 86_400_000);
  handleUpdate(w, ctx, privateEdit(1, { text: "edited a month later" }), now);
  const repost = head(w, "team");
  assert.ok(repost.type === "call");
  assert.equal(repost.call.method, "sendMessage");
  assert.match(String(params(repost).text), /^✏️ Edited message:\nedited a month later$/);
  w.state.conversations[CUSTOMER]!.queues.team = [];
  const staffEdit = comment(200, 100, ANA, { text: "fixed typo" });
  handleUpdate(w, ctx, { update_id: staffEdit.update_id, edited_message: staffEdit.message! }, now);
  const notice = head(w, "team");
  assert.ok(notice.type === "call");
  assert.match(String(params(notice).text), /customer has no copy of the original/);
  assert.deepEqual(params(notice).reply_parameters, { message_id: 200 });
  w.state.conversations[CUSTOMER]!.queues.team = [];
  const noteEdit = comment(201, 100, ANA, { text: "# internal, edited" });
  handleUpdate(w, ctx, { update_id: noteEdit.update_id, edited_message: noteEdit.message! }, now);
  assert.deepEqual(kinds(w, "team"), [], "editing a note says nothing");
});

/** The automatic forward of one of our cards for `customer`, as Telegram gives it: the ID in `code`, the priority hashtag. */
function cardForward(id: number, post: number, customer: number): ReturnType<typeof autoForward> {
  const u = autoForward(id, post);
  const head = `🔴 Cliente\nID: `;
  const text = `${head}${customer}\nStatus: waiting · Priority: 3\n#waiting #p3`;
  const at = (s: string): number => text.indexOf(s);
  u.message!.text = text;
  u.message!.entities = [
    { type: "code", offset: head.length, length: String(customer).length },
    { type: "hashtag", offset: at("#waiting"), length: 8 },
    { type: "hashtag", offset: at("#p3"), length: 3 },
  ];
  return u;
}

test("R40 orphan-card: a card posted before a crash, its card job waiting to be sent again, is adopted with its thread", () => {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1, { text: "hello" }), now);
  assert.equal(kinds(w, "team")[0], "card");
  const fx = handleUpdate(w, ctx, cardForward(100, 10, CUSTOMER), now); // the first attempt's answer was lost
  const conv = w.state.conversations[CUSTOMER]!;
  assert.equal(conv.card, 10);
  assert.equal(conv.root, 100);
  assert.ok(!kinds(w, "team").includes("card"), "no second card is posted");
  assert.deepEqual(kinds(w, "card"), ["cardEdit"], "the card is brought up to date");
  assert.match(fx.log.join("\n"), /card 10 of customer \d+ .*adopted/);
  assert.equal(params(head(w, "team")).message_id, 10, "the adopted card is pinned");
  w.state.conversations[CUSTOMER]!.queues.team.shift();
  assert.equal(params(head(w, "team")).chat_id, GROUP, "the message goes to the adopted card's thread");
  assert.deepEqual(fx.immediate, []);
});

test("R40 orphan-card: a second card of a conversation that has one is deleted, post and discussion copy; an admin's post is not", () => {
  const w = established();
  const fx = handleUpdate(w, ctx, cardForward(300, 30, CUSTOMER), now);
  assert.deepEqual(fx.immediate, [
    { method: "deleteMessage", params: { chat_id: CHANNEL, message_id: 30 } },
    { method: "deleteMessage", params: { chat_id: GROUP, message_id: 300 } },
  ]);
  assert.equal(w.state.conversations[CUSTOMER]!.card, 10, "the conversation keeps its card");
  assert.equal(fx.log.length, 1);
  const admin = cardForward(301, 31, CUSTOMER);
  admin.message!.entities = admin.message!.entities!.filter((e) => e.type === "code"); // no priority hashtag: not a card
  assert.deepEqual(handleUpdate(w, ctx, admin, now).immediate, []);
  assert.equal(w.state.pendingRoots[31], 301, "kept unclaimed, as before");
});

test("R40 orphan-card: a card's own forward before its sendMessage answers makes it the card; the answer keeps it", () => {
  const w = world();
  handleUpdate(w, ctx, privateMsg(1, { text: "hello" }), now);
  const d = delivery(w, "team");
  const plan = planJob(d);
  assert.ok(plan.type === "call");
  w.busy.add(d.job.id);
  handleUpdate(w, ctx, cardForward(100, 10, CUSTOMER), now);
  onSuccess(d, plan, { message_id: 10 });
  const conv = w.state.conversations[CUSTOMER]!;
  assert.equal(conv.card, 10);
  assert.equal(conv.root, 100, "the thread stays");
  assert.equal(conv.cardHash, plan.cardHash);
});
