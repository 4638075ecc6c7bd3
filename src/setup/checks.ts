/**
 * The setup checklist shared by `clientes init` and `clientes check`: what Telegram says
 * about the bot, the channel and the group ({@link gatherTelegramFacts}), what the disk says
 * ({@link gatherLocalFacts}), and the verdicts ({@link evaluate}, pure), each failure with
 * the fix in plain words.
 */
import { access } from "node:fs/promises";
import type { TelegramChatFullInfo, TelegramChatMember, TelegramUser } from "@gramio/types";
import type { StaffMember } from "../config/index.ts";
import { PromptCancelled } from "../errors.ts";
import { loadReplies, RepliesError } from "../replies/index.ts";
import { NetworkError, TelegramApiError } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";
import { checkWritable, type Writable } from "./files.ts";
import { readHealth, type Health } from "../daemon/health.ts";
import { describeWebhookInfo, type WebhookInfo } from "../daemon/webhook.ts";

export type CheckState = "ok" | "fail" | "warn" | "skip";

export type CheckId =
  | "token"
  | "inline"
  | "channel"
  | "group"
  | "channel_rights"
  | "group_rights"
  | "group_members"
  | "webhook"
  | "staff"
  | "store"
  | "poller"
  | "replies";

/** One checklist line. `fix` says what to do when the state is fail or warn. */
export interface Check {
  id: CheckId;
  label: string;
  state: CheckState;
  detail?: string;
  fix?: string;
}

/** Rights the bot needs in the channel (pinning a channel post needs can_edit_messages). */
export const CHANNEL_RIGHTS = ["can_post_messages", "can_edit_messages", "can_delete_messages"] as const;
/** Rights the bot needs in the discussion group. */
export const GROUP_RIGHTS = ["can_delete_messages", "can_pin_messages"] as const;
/** With guard_group on (the default), also the right to remove who joins (R38 closed-group). */
export const GUARD_RIGHT = "can_restrict_members";

/** How the rights are called in Telegram's app, where the operator turns them on. */
const RIGHT_NAMES: Record<string, string> = {
  can_post_messages: "Post Messages",
  can_edit_messages: "Edit Messages of Others",
  can_delete_messages: "Delete Messages",
  can_pin_messages: "Pin Messages",
  can_restrict_members: "Ban Users",
};

/** The result of one Bot API call, kept whether it worked or not. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** What the Bot API said. Absent fields were not asked (an earlier call failed). */
export interface TelegramFacts {
  me: Outcome<TelegramUser>;
  /** The channel as configured (id or "@name"). */
  channelRef: number | string;
  /** The group as configured; undefined = whatever the channel links to. */
  groupRef?: number | string;
  channel?: Outcome<TelegramChatFullInfo>;
  group?: Outcome<TelegramChatFullInfo>;
  channelMember?: Outcome<TelegramChatMember>;
  groupMember?: Outcome<TelegramChatMember>;
  groupCount?: Outcome<number>;
  /** How the config has the daemon get updates (see {@link SetupTarget.updates}); undefined: not checked. */
  updates?: { webhook?: string };
  webhookInfo?: Outcome<WebhookInfo>;
}

/** What the disk and the config say. */
export interface LocalFacts {
  staff: readonly StaffMember[];
  /** guard_group: the bot removes who joins the group, so it needs "Ban Users" there. Default true. */
  guardGroup?: boolean;
  /** Undefined: not checked (e.g. before the config exists). */
  store?: { path: string; writable: Writable };
  /** What the daemon last wrote next to the store (undefined: it never ran with this store). */
  health?: Health;
  replies?: { path: string; exists: boolean; result: Outcome<number> };
}

/** What is being checked: the config's values (or init's answers so far). */
export interface SetupTarget {
  channel: number | string;
  /** Undefined: the channel's linked group. */
  group?: number | string;
  staff: readonly StaffMember[];
  /** The config's guard_group (default true). */
  guardGroup?: boolean;
  /** Absolute paths; undefined skips the check. */
  store?: string;
  replies?: string;
  /**
   * How the config has the daemon get updates: `{webhook: url}`, or `{}` to poll. Undefined
   * (init, before there is a config): not checked.
   */
  updates?: { webhook?: string };
}

async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    // Ctrl+C is not a finding about the setup: it ends the command.
    if (error instanceof PromptCancelled) throw error;
    return { ok: false, error };
  }
}

/** Asks Telegram everything the checklist needs; failures are kept as outcomes, not thrown. */
export async function gatherTelegramFacts(port: TelegramPort, target: Pick<SetupTarget, "channel" | "group" | "updates">): Promise<TelegramFacts> {
  const facts: TelegramFacts = {
    me: await attempt(() => port.call("getMe", undefined as never)),
    channelRef: target.channel,
    ...(target.group !== undefined ? { groupRef: target.group } : {}),
    ...(target.updates ? { updates: target.updates } : {}),
  };
  if (!facts.me.ok) return facts;
  const botId = facts.me.value.id;
  facts.channel = await attempt(() => port.call("getChat", { chat_id: target.channel }));
  if (facts.channel.ok && facts.channel.value.type === "channel") {
    const channelId = facts.channel.value.id;
    facts.channelMember = await attempt(() => port.call("getChatMember", { chat_id: channelId, user_id: botId }));
  }
  const groupRef = target.group ?? (facts.channel.ok ? facts.channel.value.linked_chat_id : undefined);
  if (groupRef !== undefined) {
    facts.group = await attempt(() => port.call("getChat", { chat_id: groupRef }));
    if (facts.group.ok) {
      const groupId = facts.group.value.id;
      facts.groupMember = await attempt(() => port.call("getChatMember", { chat_id: groupId, user_id: botId }));
      facts.groupCount = await attempt(() => port.call("getChatMemberCount", { chat_id: groupId }));
    }
  }
  if (target.updates) facts.webhookInfo = await attempt(async () => (await port.call("getWebhookInfo", {} as never)) as WebhookInfo);
  return facts;
}

/** Checks the store folder and the replies file. */
export async function gatherLocalFacts(target: SetupTarget): Promise<LocalFacts> {
  const facts: LocalFacts = { staff: target.staff, guardGroup: target.guardGroup ?? true };
  if (target.store !== undefined) {
    facts.store = { path: target.store, writable: await checkWritable(target.store) };
    const health = await readHealth(target.store);
    if (health) facts.health = health;
  }
  if (target.replies !== undefined) {
    const path = target.replies;
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    facts.replies = { path, exists, result: await attempt(async () => (await loadReplies(path)).length) };
  }
  return facts;
}

/** Every check, in checklist order. */
export async function runChecks(port: TelegramPort, target: SetupTarget): Promise<Check[]> {
  const [telegram, local] = await Promise.all([gatherTelegramFacts(port, target), gatherLocalFacts(target)]);
  return evaluate(telegram, local);
}

/** Whether any check failed (warnings do not count). */
export function hasFailures(checks: readonly Check[]): boolean {
  return checks.some((c) => c.state === "fail");
}

// ---------------------------------------------------------------------------- verdicts

const LABELS: Record<CheckId, string> = {
  token: "bot token accepted by Telegram",
  inline: "inline mode on (staff pick canned replies with @bot)",
  channel: "support channel found",
  group: "discussion group linked to the channel",
  channel_rights: "bot is a channel admin that can post, edit and delete messages",
  group_rights: "bot is a group admin that can delete and pin messages",
  group_members: "group holds only its creator and the bot",
  webhook: "webhook set as the config says",
  staff: "staff list not empty",
  store: "store location writable",
  poller: "no other program polls with this bot token",
  replies: "replies file valid",
};

function check(id: CheckId, state: CheckState, detail?: string, fix?: string): Check {
  const c: Check = { id, label: LABELS[id], state };
  if (detail !== undefined) c.detail = detail;
  if (fix !== undefined) c.fix = fix;
  return c;
}

/** Telegram's own words for a failed call, or the network problem. */
export function errorText(error: unknown): string {
  if (error instanceof TelegramApiError) return `Telegram says: ${error.description}`;
  if (error instanceof NetworkError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

function errorFix(error: unknown, fallback: string): string {
  if (error instanceof NetworkError) return error.hint.replace(/; retrying with backoff$/, "");
  return fallback;
}

function isNotFound(error: unknown): boolean {
  return error instanceof TelegramApiError && /chat not found|PEER_ID_INVALID|CHANNEL_INVALID|CHANNEL_PRIVATE/i.test(error.description);
}

/** `"Title" (-100123)` */
export function describeChat(chat: { id: number; title?: string; username?: string }): string {
  const name = chat.title !== undefined ? JSON.stringify(chat.title) : chat.username !== undefined ? `@${chat.username}` : "";
  return name === "" ? String(chat.id) : `${name} (${chat.id})`;
}

function ref(value: number | string): string {
  return String(value);
}

/** The token check's failure, by cause. */
function tokenFailure(error: unknown): Check {
  if (error instanceof TelegramApiError && (error.code === 401 || error.code === 404)) {
    return check(
      "token",
      "fail",
      `Telegram does not accept this token (${error.code} ${error.description})`,
      "copy the token again from @BotFather (/mybots → your bot → API Token) into bot.token (or env CLIENTES_BOT_TOKEN); a revoked token stops working",
    );
  }
  if (error instanceof NetworkError) {
    const fix =
      error.problem === "unreachable"
        ? `check this machine's network (DNS, proxy, firewall) and bot.api_root (or env CLIENTES_API_ROOT): Telegram's own is https://api.telegram.org`
        : `bot.api_root (or env CLIENTES_API_ROOT) points at something that is not a Bot API server: Telegram's own is https://api.telegram.org`;
    return check("token", "fail", error.message, fix);
  }
  return check("token", "fail", errorText(error), "check bot.token and bot.api_root, then run `clientes check` again");
}

function skipped(id: CheckId, why: string): Check {
  return check(id, "skip", why);
}

function missingRights(member: TelegramChatMember, rights: readonly string[]): string[] {
  if (member.status === "creator") return [];
  const granted = member as unknown as Record<string, unknown>;
  return rights.filter((r) => granted[r] !== true);
}

function rightsCheck(
  id: "channel_rights" | "group_rights",
  where: "channel" | "group",
  member: Outcome<TelegramChatMember> | undefined,
  rights: readonly string[],
  botName: string,
): Check {
  if (member === undefined) return skipped(id, `needs the ${where} first`);
  if (!member.ok) {
    return check(id, "fail", errorText(member.error), errorFix(member.error, `make ${botName} an administrator of the ${where}`));
  }
  const place = where === "channel" ? "the channel" : "the discussion group";
  const wanted = rights.map((r) => `"${RIGHT_NAMES[r] ?? r}"`).join(", ");
  if (member.value.status !== "administrator" && member.value.status !== "creator") {
    return check(
      id,
      "fail",
      `${botName} is not an administrator of ${place} (it is "${member.value.status}")`,
      `open ${place} → Administrators → Add Admin → ${botName}, and turn on ${wanted}`,
    );
  }
  const missing = missingRights(member.value, rights);
  if (missing.length === 0) return check(id, "ok");
  const names = missing.map((r) => `"${RIGHT_NAMES[r] ?? r}"`).join(", ");
  const why =
    where === "channel" && missing.includes("can_edit_messages")
      ? " (editing also lets it pin the cards of open conversations)"
      : missing.includes(GUARD_RIGHT)
        ? ` (${GUARD_RIGHT}: with guard_group on, the bot removes anyone who joins the group and is not staff; or set guard_group: false)`
        : "";
  const detail = missing.includes(GUARD_RIGHT) ? `${names} (${GUARD_RIGHT})` : names;
  return check(id, "fail", `missing: ${detail}`, `open ${place} → Administrators → ${botName}, and turn on ${names}${why}`);
}

/**
 * The checklist from what was gathered. Pure. A check that depends on one that failed is
 * `skip`, so each problem is reported once, where it is fixed.
 */
export function evaluate(telegram: TelegramFacts, local: LocalFacts): Check[] {
  return [...evaluateTelegram(telegram, cannedReplies(local), local.guardGroup ?? true), ...evaluateLocal(local)];
}

/** How many canned replies the replies file holds; undefined when unknown (not checked, or unreadable). */
function cannedReplies(local: LocalFacts): { path: string; count: number } | undefined {
  const r = local.replies;
  return r && r.result.ok ? { path: r.path, count: r.result.value } : undefined;
}

/**
 * Inline mode only serves canned replies: without it the desk relays everything else. So
 * it is off = a warning, and a failure only when there are replies staff could not reach.
 */
function inlineCheck(on: boolean, botName: string, replies: { path: string; count: number } | undefined): Check {
  if (on) return check("inline", "ok");
  const fix = `in Telegram, send /setinline to @BotFather, choose ${botName} and type a placeholder such as "search replies…"`;
  if (replies !== undefined && replies.count > 0) {
    const n = `${replies.count} canned ${replies.count === 1 ? "reply" : "replies"}`;
    return check("inline", "fail", `off: staff cannot insert the ${n} of ${replies.path}`, fix);
  }
  return check("inline", "warn", "off: staff cannot insert canned replies (there are none yet; everything else works)", fix);
}

function evaluateTelegram(t: TelegramFacts, replies: { path: string; count: number } | undefined, guardGroup: boolean): Check[] {
  const ids: CheckId[] = ["inline", "channel", "group", "channel_rights", "group_rights", "group_members"];
  if (!t.me.ok) {
    const why = t.me.error instanceof NetworkError ? "Telegram could not be reached" : "needs a working bot token";
    return [tokenFailure(t.me.error), ...ids.map((id) => skipped(id, why)), ...(t.updates ? [skipped("webhook", why)] : [])];
  }
  const me = t.me.value;
  const botName = me.username ? `@${me.username}` : `the bot (${me.id})`;
  const out: Check[] = [check("token", "ok", `${botName} (${me.first_name}, id ${me.id})`)];

  out.push(inlineCheck(me.supports_inline_queries === true, botName, replies));

  // The channel.
  const channel = t.channel;
  let channelOk = false;
  if (channel === undefined) out.push(skipped("channel", "not checked"));
  else if (!channel.ok) {
    out.push(
      check(
        "channel",
        "fail",
        `${ref(t.channelRef)}: ${errorText(channel.error)}`,
        isNotFound(channel.error)
          ? `add ${botName} to the channel as an administrator (a bot only sees a private channel it administers), and check that channel: is right (a channel's id starts with -100)`
          : errorFix(channel.error, "check channel: in the config"),
      ),
    );
  } else if (channel.value.type !== "channel") {
    out.push(
      check(
        "channel",
        "fail",
        `${describeChat(channel.value)} is a ${channel.value.type === "supergroup" ? "group" : channel.value.type}, not a channel`,
        "set channel: to the support channel; its discussion group goes under group:",
      ),
    );
  } else {
    channelOk = true;
    out.push(check("channel", "ok", describeChat(channel.value)));
  }

  // The linked group, both ways.
  const group = t.group;
  let groupOk = false;
  if (!channelOk && t.groupRef === undefined) out.push(skipped("group", "needs the channel first"));
  else {
    const linked = channelOk && channel?.ok ? channel.value.linked_chat_id : undefined;
    if (channelOk && linked === undefined) {
      out.push(
        check(
          "group",
          "fail",
          "the channel has no discussion group",
          `in the channel: Edit (Manage Channel) → Discussion → Add Group → Create a New Group; then make ${botName} an administrator of that group`,
        ),
      );
    } else if (group === undefined) {
      out.push(skipped("group", "not checked"));
    } else if (!group.ok) {
      const which = t.groupRef !== undefined ? ref(t.groupRef) : String(linked);
      out.push(
        check(
          "group",
          "fail",
          `${which}: ${errorText(group.error)}`,
          isNotFound(group.error)
            ? `add ${botName} to the channel's discussion group as an administrator${t.groupRef !== undefined && linked !== undefined ? `, and check group: in the config (the channel's group is ${linked})` : ""}`
            : errorFix(group.error, "check group: in the config"),
        ),
      );
    } else if (linked !== undefined && group.value.id !== linked) {
      out.push(
        check(
          "group",
          "fail",
          `${describeChat(group.value)} is not the channel's discussion group (that is ${linked})`,
          `set group: ${linked} in the config`,
        ),
      );
    } else if (channelOk && channel?.ok && group.value.linked_chat_id !== channel.value.id) {
      out.push(
        check(
          "group",
          "fail",
          `${describeChat(group.value)} is not linked to the channel (Telegram reports it linked to ${group.value.linked_chat_id ?? "nothing"})`,
          "in the channel: Edit → Discussion, pick this group again",
        ),
      );
    } else if (!channelOk) {
      out.push(skipped("group", "needs the channel first"));
    } else {
      groupOk = true;
      out.push(check("group", "ok", describeChat(group.value)));
    }
  }

  out.push(channelOk ? rightsCheck("channel_rights", "channel", t.channelMember, CHANNEL_RIGHTS, botName) : skipped("channel_rights", "needs the channel first"));
  const groupRights = guardGroup ? [...GROUP_RIGHTS, GUARD_RIGHT] : GROUP_RIGHTS;
  const groupCheck = groupOk ? rightsCheck("group_rights", "group", t.groupMember, groupRights, botName) : skipped("group_rights", "needs the group first");
  if (guardGroup) groupCheck.label = LABELS.group_rights.replace("delete and pin messages", "delete and pin messages and remove who joins (guard_group)");
  out.push(groupCheck);

  const count = t.groupCount;
  if (!groupOk || count === undefined) out.push(skipped("group_members", "needs the group first"));
  else if (!count.ok) out.push(check("group_members", "fail", errorText(count.error), errorFix(count.error, `make ${botName} an administrator of the group`)));
  else if (count.value <= 2) out.push(check("group_members", "ok", `${count.value} members`));
  else {
    out.push(
      check(
        "group_members",
        "fail",
        `${count.value} members; only 2 expected (its creator and the bot): every member reads every conversation`,
        `open the discussion group → Members, and remove everyone but you and ${botName} (press on a member → Remove from group). Staff need not be members: they answer in the channel's comments`,
      ),
    );
  }
  if (t.updates && t.webhookInfo) out.push(webhookCheck(t.webhookInfo, t.updates.webhook));
  return out;
}

/**
 * Telegram has one way to hand a bot its updates: a webhook, or getUpdates. A daemon set up
 * the other way gets nothing (409 to its polls, or no requests), so a mismatch fails.
 */
function webhookCheck(info: Outcome<WebhookInfo>, configured: string | undefined): Check {
  if (!info.ok) return check("webhook", "fail", errorText(info.error), errorFix(info.error, "run `clientes check` again"));
  const w = info.value;
  const state = describeWebhookInfo(w);
  if (configured === undefined) {
    if (w.url === "") return check("webhook", "ok", `none: the daemon polls (${state})`);
    return check(
      "webhook",
      "fail",
      `a webhook is set (${w.url}; ${state}), but the config polls: Telegram refuses getUpdates while it is set`,
      `for webhook mode, add webhook: url: "${w.url}" to the config and run \`clientes start --webhook\`; to poll, just run \`clientes start\`: it removes the webhook (its pending updates are kept). If another program set it, stop that program first`,
    );
  }
  if (w.url === "") {
    return check(
      "webhook",
      "fail",
      `no webhook is set, but the config has webhook.url ${configured}: Telegram keeps the updates for getUpdates (${state})`,
      "run `clientes start --webhook`: it sets the webhook when it starts (a polling `clientes start` elsewhere removes it again: stop that one)",
    );
  }
  if (w.url !== configured) {
    return check(
      "webhook",
      "fail",
      `the webhook is set to ${w.url}, not to webhook.url ${configured} (${state})`,
      "restart `clientes start --webhook`: it sets webhook.url; if another program set the other address, stop that program",
    );
  }
  if (w.pending_update_count > 0 && w.last_error_date !== undefined) {
    return check(
      "webhook",
      "warn",
      `${w.url}: ${state}`,
      "Telegram cannot deliver to webhook.url: check that `clientes start --webhook` runs, and the reverse proxy (a certificate Telegram trusts, requests passed to webhook.listen)",
    );
  }
  return check("webhook", "ok", `${w.url} (${state})`);
}

/**
 * Only the daemon can tell: Telegram answers 409 to *its* long poll when another program
 * polls with the token (a probe from here would itself be that other program).
 */
function pollerCheck(h: Health): Check {
  const c = h.conflict;
  const who = h.state === "stopped" ? "when the daemon last ran, another program polled" : `the daemon (pid ${h.pid}) sees another program polling`;
  if (!c) return check("poller", "ok", h.state === "stopped" ? "none seen while the daemon last ran" : `none seen by the daemon (pid ${h.pid})`);
  return check(
    "poller",
    "fail",
    `${who} with this bot token: ${c.count} ${c.count === 1 ? "conflict" : "conflicts"} (409) since ${c.since}, the last at ${c.last_at}; updates it takes never reach the team`,
    "stop the other program that uses this token (a second `clientes start` on another machine, a script, a bot framework, a webhook); if you do not know it, revoke the token with @BotFather (/revoke) and put the new one in bot.token",
  );
}

function evaluateLocal(l: LocalFacts): Check[] {
  const out: Check[] = [];
  out.push(
    l.staff.length > 0
      ? check("staff", "ok", `${l.staff.length} ${l.staff.length === 1 ? "member" : "members"}`)
      : check(
          "staff",
          "warn",
          "no staff: only comments posted as the channel itself reach customers",
          "run `clientes staff sync` (adds the channel's admins) or `clientes staff add ID --name NAME`",
        ),
  );
  if (l.store) {
    const w = l.store.writable;
    out.push(
      w.ok
        ? check("store", "ok", `${l.store.path}${w.exists ? "" : " (created by `clientes start`)"}`)
        : check("store", "fail", w.reason, "set store: to a file in a folder this user can write, or fix the folder's permissions"),
    );
  }
  if (l.health) out.push(pollerCheck(l.health));
  if (l.replies) {
    const r = l.replies.result;
    if (r.ok && !l.replies.exists) out.push(check("replies", "ok", `${l.replies.path}: no replies yet (add some with \`clientes replies add\`)`));
    else if (r.ok) out.push(check("replies", "ok", `${l.replies.path}: ${r.value} ${r.value === 1 ? "reply" : "replies"}`));
    else {
      const hint = r.error instanceof RepliesError && r.error.hint ? r.error.hint : "fix the file, or check it with `clientes replies list`";
      out.push(check("replies", "fail", errorText(r.error), hint));
    }
  }
  return out;
}
