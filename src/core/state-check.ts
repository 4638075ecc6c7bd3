/**
 * The shape of a stored {@link State}, checked when the store opens: a record a hand
 * edit or another program got wrong must be refused with its name, not crash the daemon
 * somewhere later ("cannot read properties of undefined").
 */
import { LANES } from "./jobs.ts";
import { COLLECTIONS, type State } from "./state.ts";

/**
 * What is wrong with `data` as a State, naming the record (`conversations["42"]: …`),
 * or undefined when its shape is right. Looks at every record, cheaply: what the daemon
 * relies on to find its way (ids, queues), not every field.
 */
export function checkState(data: unknown): string | undefined {
  if (!isObject(data)) return `the data is ${describe(data)}, expected an object`;
  const s = data as Partial<Record<keyof State, unknown>>;
  for (const key of ["offset", "nextJobId"] as const) {
    if (!isCount(s[key])) return `${key} is ${describe(s[key])}, expected a whole number`;
  }
  for (const key of COLLECTIONS) {
    if (!isObject(s[key])) return `${key} is ${describe(s[key])}, expected an object`;
  }
  // Plain loops: this runs over every record at each start (100,000 conversations, 500,000 links).
  const conversations = s.conversations as Record<string, unknown>;
  for (const id in conversations) {
    const problem = conversationProblem(conversations[id]);
    if (problem !== undefined) return `conversations[${JSON.stringify(id)}] ${problem}`;
  }
  const roots = s.pendingRoots as Record<string, unknown>;
  for (const id in roots) {
    if (!isCount(roots[id])) return `pendingRoots[${JSON.stringify(id)}] is ${describe(roots[id])}, expected a message id`;
  }
  const links = s.links as Record<string, unknown>;
  for (const id in links) {
    if (!isLinks(links[id])) return `links[${JSON.stringify(id)}] is ${describe(links[id])}, expected a flat list of numbers, three per link`;
  }
  const events = s.events as Record<string, unknown>;
  for (const id in events) {
    const list = events[id];
    if (!Array.isArray(list)) return `events[${JSON.stringify(id)}] is ${describe(list)}, expected a list of report events`;
    for (let i = 0; i < list.length; i++) {
      const e: unknown = list[i];
      if (!isObject(e) || typeof e.type !== "string" || typeof e.at !== "number") {
        return `events[${JSON.stringify(id)}][${i}] is ${describe(e)}, expected a report event (an object with type and at)`;
      }
    }
  }
  const staff = s.staff as Record<string, unknown>;
  for (const id in staff) {
    if (!isObject(staff[id])) return `staff[${JSON.stringify(id)}] is ${describe(staff[id])}, expected a staff record (an object)`;
  }
  const uses = s.replyUses as Record<string, unknown>;
  for (const id in uses) {
    const u = uses[id];
    if (!isObject(u) || !isCount(u.count) || typeof u.last !== "number") return `replyUses[${JSON.stringify(id)}] is ${describe(u)}, expected a use count (an object with count and last)`;
  }
  const merged = s.merged as Record<string, unknown>;
  for (const g in merged) {
    const parts = merged[g];
    if (!Array.isArray(parts) || !parts.every((p: unknown) => isObject(p) && typeof p.p === "number" && typeof p.text === "string")) {
      return `merged[${JSON.stringify(g)}] is ${describe(parts)}, expected a list of parts (objects with p and text)`;
    }
  }
  const recent = s.recentSends as Record<string, unknown>;
  for (const chat in recent) {
    const times = recent[chat];
    if (!Array.isArray(times) || !times.every((t) => typeof t === "number")) return `recentSends[${JSON.stringify(chat)}] is ${describe(times)}, expected a list of times`;
  }
  return undefined;
}

function conversationProblem(conv: unknown): string | undefined {
  if (!isObject(conv)) return `is ${describe(conv)}, expected a conversation (an object with customer, status and queues)`;
  const c = conv as Record<string, unknown>;
  if (!isObject(c.customer) || typeof (c.customer as Record<string, unknown>).id !== "number") {
    return `has customer ${describe(c.customer)}, expected an object with a numeric id`;
  }
  if (c.status !== "open" && c.status !== "closed") return `has status ${describe(c.status)}, expected "open" or "closed"`;
  for (const key of ["card", "root"]) {
    if (c[key] !== undefined && typeof c[key] !== "number") return `has ${key} ${describe(c[key])}, expected a message id`;
  }
  if (c.formerRoots !== undefined && !(Array.isArray(c.formerRoots) && c.formerRoots.every((r) => typeof r === "number"))) {
    return `has formerRoots ${describe(c.formerRoots)}, expected a list of message ids`;
  }
  if (!isObject(c.queues)) return `has queues ${describe(c.queues)}, expected an object with ${LANES.join(" and ")}`;
  for (const lane of LANES) {
    const queue = (c.queues as Record<string, unknown>)[lane];
    // Journal lines of a store older than the card (v2) or staff (v4) lane replay without it: worldOf adds it.
    if (queue === undefined && (lane === "card" || lane === "staff")) continue;
    if (!Array.isArray(queue)) return `has queues.${lane} ${describe(queue)}, expected a list of jobs`;
    for (let i = 0; i < queue.length; i++) {
      const job: unknown = queue[i];
      if (!isObject(job) || typeof job.id !== "number" || typeof job.kind !== "string") {
        return `has queues.${lane}[${i}] ${describe(job)}, expected a job (an object with id and kind)`;
      }
    }
  }
  return undefined;
}

function isLinks(value: unknown): boolean {
  if (!Array.isArray(value) || value.length % 3 !== 0) return false;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "number") return false;
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** A short description of a value, never its content (a store holds customer data). */
function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "string") return /^[a-z_]{1,20}$/i.test(value) ? JSON.stringify(value) : "a text";
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value === "number" ? "the number" : ""} ${String(value)}`.trim();
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
