import type { TelegramMessage } from "@gramio/types";
import { escapeHtml, fullName, renderText, type Locale } from "../texts.ts";
import { ownerName, shouldBePinned } from "./card.ts";
import { customerLocale, customerTexts, type CoreContext } from "./context.ts";
import { sendSurvey } from "./csat.ts";
import { recordEvent } from "./events.ts";
import { notifyOn, setNotify } from "./notify.ts";
import { saveRequest, type RepliesEdit } from "./replies-edit.ts";
import { enqueue, setPin, queueCardEdit } from "./queue.ts";
import { addTags, describeStaff, findStaff, MAX_TAGS, removeTags, reopen, setOwner, staffList, type Actor } from "./triage.ts";
import type { Conversation, Customer, World } from "./state.ts";

/** A command as typed: `/p 4` -> { name: "p", args: "4" }. */
export interface Command {
  name: string;
  args: string;
}

/**
 * Reads a command from a message. `/cmd@otherbot` is addressed to another bot, so it is
 * not a command for us (and is handled like any message).
 */
export function parseCommand(text: string, botUsername: string): Command | undefined {
  const match = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  if (match[2] && match[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: match[1]!.toLowerCase(), args: (match[3] ?? "").trim() };
}

/**
 * Where a command is typed, which says who may use it:
 * - `thread`: in a conversation's thread, by staff (anyone else is refused, and told so);
 * - `private`: by a customer, in their private chat with the bot;
 * - `staff-private`: by a staff member, in their private chat with the bot.
 */
export type CommandScope = "thread" | "private" | "staff-private";

/** What a command's handler gets, as grammY passes `ctx`: everything about the call in one place. */
interface CallBase {
  world: World;
  ctx: CoreContext;
  nowMs: number;
  /** The message that carries the command. */
  m: TelegramMessage;
  /** The name as typed (lowercase), e.g. `fim` for the close command. */
  name: string;
  /** Everything after the name, trimmed. */
  args: string;
  /** The staff member acting; absent when the comment was posted as the channel (or by an anonymous admin). */
  by: Actor | undefined;
  /** Answers where the command was typed (in the thread: as a silent reply to it). */
  reply(html: string): void;
}

/** A command typed by staff in a conversation's thread. */
export interface ThreadCall extends CallBase {
  conv: Conversation;
  /** Asks the daemon to edit the replies file (it answers in the thread once done). */
  editReplies(edit: RepliesEdit): void;
}

/** A command typed in a private chat; `conv` is the sender's conversation, if they have one. */
export interface PrivateCall extends CallBase {
  conv: Conversation | undefined;
  /** Whether the sender is on the staff list. */
  staff: boolean;
}

interface CallOf {
  thread: ThreadCall;
  private: PrivateCall;
  "staff-private": PrivateCall;
}

/** One command: how it is called in each locale, where it may be used, and what it does. */
export interface CommandSpec<S extends CommandScope = CommandScope> {
  /** Stable id, for code and tests (never shown). */
  id: string;
  scope: S;
  /**
   * Names per locale; the first is the one the locale's menu shows. Every name of every
   * locale works whatever the configured locale (a team may mix `/fim` and `/close`).
   */
  names: Record<Locale, readonly string[]>;
  /** How to type it, for `/help`, e.g. "/priority N or /p N". */
  usage: Record<Locale, string>;
  /** One line for the Telegram menu and `/help`. */
  description: Record<Locale, string>;
  /** What it does. Without one, the message is handled like any other (e.g. a customer's /start). */
  run?: (call: CallOf[S]) => void;
  /**
   * Whether the deployment offers it (e.g. `/terms` only with `texts.terms` set). When it
   * does not, the command is in no menu or list and the message is handled like any other.
   */
  available?: (ctx: CoreContext) => boolean;
}

/** A command of any scope. */
export type AnyCommand = { [S in CommandScope]: CommandSpec<S> }[CommandScope];

/** Keeps each entry's handler typed by its scope. */
function command<S extends CommandScope>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

/** The sender of a private message as the customer they are (their language picks the texts). */
function senderAsCustomer(m: TelegramMessage): Customer {
  const f = m.from!;
  return { id: f.id, first_name: f.first_name, ...(f.language_code ? { language_code: f.language_code } : {}) };
}

/** R17 close. */
function close(c: ThreadCall, silent: boolean): void {
  const { world, ctx, conv, nowMs } = c;
  const t = ctx.texts;
  if (conv.status === "open" && !conv.nothingAsked) recordEvent(world, conv, "closed", nowMs); // never opened for the report otherwise
  conv.status = "closed";
  conv.waitingSince = undefined;
  if (!silent) {
    enqueue(world.state, conv, "customer", { kind: "notice", html: renderText(customerTexts(ctx, conv.customer).closing, conv.customer) }, nowMs);
    sendSurvey(world, ctx, conv, nowMs);
  }
  queueCardEdit(world, conv, nowMs);
  setPin(world, conv, false, nowMs);
  c.reply(renderText(t.closed_ack, { silent: silent ? t.closed_ack_silent : "" }, ["silent"]));
}

function ownerAck(c: ThreadCall): string {
  return renderText(c.ctx.texts.owner_ack, { owner: ownerName(c.conv, c.ctx.staffNames) ?? "" });
}

function tagsAck(c: ThreadCall): string {
  const tags = c.conv.tags ?? [];
  return renderText(c.ctx.texts.tags_ack, { tags: tags.length ? tags.map((x) => `#${x}`).join(" ") : c.ctx.texts.tags_none });
}

/**
 * Every command the bot knows (R16 commands). The menus, `/help`
 * and the parser all read this list: a new command is one entry here. Menus list the
 * entries in this order.
 */
export const COMMANDS: readonly AnyCommand[] = [
  command({
    id: "start",
    scope: "private",
    names: { "pt-BR": ["start"], en: ["start"] },
    usage: { "pt-BR": "/start", en: "/start" },
    description: { "pt-BR": "Falar com o atendimento", en: "Talk to support" },
    // No handler: /start is the customer's first message, relayed like any other; its
    // payload (`/start <origin>`) is the conversation's origin.
  }),
  command({
    id: "customer-help",
    scope: "private",
    names: { "pt-BR": ["ajuda", "help"], en: ["help", "ajuda"] },
    usage: { "pt-BR": "/ajuda ou /help", en: "/help or /ajuda" },
    description: { "pt-BR": "Como funciona este atendimento", en: "How this support chat works" },
    run: (c) => {
      const { ctx } = c;
      // In the customer's language (R32 customer-language); a staff member's part in the desk's.
      const who = senderAsCustomer(c.m);
      let html = renderText(customerTexts(ctx, who).customer_help, { commands: commandList(customerLocale(ctx, who), "private", ctx) }, ["commands"]);
      // A staff member testing the bot also learns what they can do here.
      if (c.staff) html += `\n\n${renderText(ctx.texts.staff_private_help, { commands: commandList(ctx.locale, "staff-private", ctx) }, ["commands"])}`;
      c.reply(html);
    },
  }),
  command({
    id: "terms",
    scope: "private",
    names: { "pt-BR": ["termos", "terms"], en: ["terms", "termos"] },
    usage: { "pt-BR": "/termos ou /terms", en: "/terms or /termos" },
    description: { "pt-BR": "Nossos termos de atendimento", en: "Our terms of service" },
    // R34 customer-commands: without `texts.terms` there is nothing to answer; the message goes to the team like any other.
    available: (ctx) => ctx.texts.terms !== undefined || Object.values(ctx.localeTexts).some((t) => t.terms !== undefined),
    run: (c) => c.reply(customerTexts(c.ctx, senderAsCustomer(c.m)).terms ?? c.ctx.texts.terms ?? ""),
  }),
  command({
    id: "take",
    scope: "thread",
    names: { "pt-BR": ["assumir", "take"], en: ["take", "assumir"] },
    usage: { "pt-BR": "/assumir ou /take", en: "/take or /assumir" },
    description: { "pt-BR": "Você passa a cuidar da conversa", en: "You own the conversation" },
    run: (c) => {
      if (!c.by) return c.reply(c.ctx.texts.take_anonymous);
      setOwner(c.world, c.conv, c.by, c.nowMs);
      c.reply(ownerAck(c));
    },
  }),
  command({
    id: "release",
    scope: "thread",
    names: { "pt-BR": ["liberar", "release"], en: ["release", "liberar"] },
    usage: { "pt-BR": "/liberar ou /release", en: "/release or /liberar" },
    description: { "pt-BR": "Ninguém cuida da conversa", en: "Nobody owns the conversation" },
    run: (c) => {
      setOwner(c.world, c.conv, undefined, c.nowMs);
      c.reply(c.ctx.texts.released_ack);
    },
  }),
  command({
    id: "assign",
    scope: "thread",
    names: { "pt-BR": ["atribuir", "assign"], en: ["assign", "atribuir"] },
    usage: { "pt-BR": "/atribuir NOME ou /assign ID", en: "/assign NAME or /assign ID" },
    description: { "pt-BR": "Alguém da equipe passa a cuidar da conversa", en: "A staff member owns the conversation" },
    run: (c) => {
      const t = c.ctx.texts;
      const staff = describeStaff(staffList(c.ctx));
      if (!c.args) return c.reply(renderText(t.usage_assign, { staff }));
      const hit = findStaff(staffList(c.ctx), c.args);
      if ("unknown" in hit) return c.reply(renderText(t.assign_unknown, { name: c.args, staff }));
      if ("ambiguous" in hit) return c.reply(renderText(t.assign_ambiguous, { name: c.args, staff: describeStaff(hit.ambiguous) }));
      setOwner(c.world, c.conv, { id: hit.found.id, name: hit.found.name ?? String(hit.found.id) }, c.nowMs);
      c.reply(ownerAck(c));
    },
  }),
  command({
    id: "close",
    scope: "thread",
    names: { "pt-BR": ["fim", "close"], en: ["close", "fim"] },
    usage: { "pt-BR": "/fim ou /close", en: "/close or /fim" },
    description: { "pt-BR": "Encerra a conversa e avisa o cliente", en: "Close the conversation and tell the customer" },
    run: (c) => close(c, /^(silent|silencioso|s)$/i.test(c.args)),
  }),
  command({
    id: "close-silent",
    scope: "thread",
    names: { "pt-BR": ["fs"], en: ["fs"] },
    usage: { "pt-BR": "/fs ou /close silent", en: "/close silent or /fs" },
    description: { "pt-BR": "Encerra sem avisar o cliente", en: "Close without telling the customer" },
    run: (c) => close(c, true),
  }),
  command({
    id: "reopen",
    scope: "thread",
    names: { "pt-BR": ["reabrir", "reopen"], en: ["reopen", "reabrir"] },
    usage: { "pt-BR": "/reabrir ou /reopen", en: "/reopen or /reabrir" },
    description: { "pt-BR": "Reabre sem esperar o cliente escrever", en: "Reopen without waiting for the customer" },
    run: (c) => c.reply(reopen(c.world, c.conv, c.nowMs) ? c.ctx.texts.reopened_ack : c.ctx.texts.already_open),
  }),
  command({
    id: "priority", // R21 card
    scope: "thread",
    names: { "pt-BR": ["p", "priority"], en: ["priority", "p"] },
    usage: { "pt-BR": "/p N ou /priority N", en: "/priority N or /p N" },
    description: { "pt-BR": "Prioridade de 1 (baixa) a 5 (urgente)", en: "Priority from 1 (low) to 5 (urgent)" },
    run: (c) => {
      const { world, ctx, conv, nowMs } = c;
      const n = /^[1-5]$/.test(c.args) ? Number(c.args) : undefined;
      if (n === undefined) {
        c.reply(ctx.texts.usage_priority);
        return;
      }
      conv.priority = n;
      queueCardEdit(world, conv, nowMs);
      c.reply(renderText(ctx.texts.priority_ack, { priority: n }));
    },
  }),
  command({
    id: "tag",
    scope: "thread",
    names: { "pt-BR": ["etiqueta", "tag"], en: ["tag", "etiqueta"] },
    usage: { "pt-BR": "/etiqueta a b ou /tag a b", en: "/tag a b or /etiqueta a b" },
    description: { "pt-BR": `Etiquetas (hashtags no card), até ${MAX_TAGS}`, en: `Tags (hashtags on the card), up to ${MAX_TAGS}` },
    run: (c) => {
      const t = c.ctx.texts;
      if (!c.args) return c.reply(renderText(t.usage_tag, { max: MAX_TAGS }));
      const r = addTags(c.world, c.ctx, c.conv, c.args, c.nowMs);
      const lines = [tagsAck(c)];
      if (r.refused.length) lines.push(renderText(t.tag_refused, { tags: r.refused.join(" ") }));
      if (r.overLimit.length) lines.push(renderText(t.tag_limit, { max: MAX_TAGS, tags: r.overLimit.join(" ") }));
      c.reply(lines.join("\n"));
    },
  }),
  command({
    id: "untag",
    scope: "thread",
    names: { "pt-BR": ["desetiquetar", "untag"], en: ["untag", "desetiquetar"] },
    usage: { "pt-BR": "/desetiquetar a ou /untag a", en: "/untag a or /desetiquetar a" },
    description: { "pt-BR": "Tira etiquetas", en: "Remove tags" },
    run: (c) => {
      const t = c.ctx.texts;
      if (!c.args) return c.reply(t.usage_untag);
      const missing = removeTags(c.world, c.conv, c.args, c.nowMs);
      c.reply([tagsAck(c), ...(missing.length ? [renderText(t.untag_missing, { tags: missing.join(" ") })] : [])].join("\n"));
    },
  }),
  command({
    id: "ban", // R19 ban
    scope: "thread",
    names: { "pt-BR": ["ban"], en: ["ban"] },
    usage: { "pt-BR": "/ban", en: "/ban" },
    description: { "pt-BR": "Não repassa mais as mensagens do cliente", en: "Stop relaying the customer's messages" },
    run: (c) => {
      const { world, conv, nowMs } = c;
      conv.banned = true;
      conv.waitingSince = undefined;
      queueCardEdit(world, conv, nowMs);
      setPin(world, conv, false, nowMs);
      c.reply(c.ctx.texts.banned_ack);
    },
  }),
  command({
    id: "unban",
    scope: "thread",
    names: { "pt-BR": ["unban"], en: ["unban"] },
    usage: { "pt-BR": "/unban", en: "/unban" },
    description: { "pt-BR": "Volta a repassar as mensagens do cliente", en: "Relay the customer's messages again" },
    run: (c) => {
      const { world, conv, nowMs } = c;
      conv.banned = false;
      queueCardEdit(world, conv, nowMs);
      setPin(world, conv, shouldBePinned(conv), nowMs);
      c.reply(c.ctx.texts.unbanned_ack);
    },
  }),
  command({
    id: "notify",
    scope: "staff-private",
    names: { "pt-BR": ["avisos", "notify"], en: ["notify", "avisos"] },
    usage: { "pt-BR": "/avisos on|off ou /notify on|off", en: "/notify on|off or /avisos on|off" },
    description: { "pt-BR": "Avisos em particular: conversas novas ou reabertas, clientes seus aguardando, prazos passados", en: "Private notifications: new or reopened conversations, your customers waiting, missed targets" },
    run: (c) => {
      const { world, ctx } = c;
      const id = c.m.from!.id;
      const on = /^(on|sim|ligar|ligado|ligados|yes|1|true)$/i.test(c.args) ? true : /^(off|n[aã]o|desligar|desligado|desligados|no|0|false)$/i.test(c.args) ? false : undefined;
      if (on === undefined) {
        const state = notifyOn(world, ctx, id) ? ctx.texts.notify_state_on : ctx.texts.notify_state_off;
        c.reply(renderText(ctx.texts.usage_notify, { state }));
        return;
      }
      setNotify(world, id, on);
      c.reply(on ? ctx.texts.notify_ack_on : ctx.texts.notify_ack_off);
    },
  }),
  command({
    id: "save",
    scope: "thread",
    names: { "pt-BR": ["resposta", "save"], en: ["save", "resposta"] },
    usage: { "pt-BR": "/resposta Título (em resposta a uma mensagem)", en: "/save Title (in reply to a message)" },
    description: { "pt-BR": "Guarda a mensagem respondida como resposta pronta", en: "Save the message replied to as a canned reply" },
    run: (c) => {
      const r = saveRequest(c.ctx, c.conv, c.m, c.args);
      if ("answer" in r) c.reply(r.answer);
      else c.editReplies(r.edit);
    },
  }),
  command({
    id: "unsave",
    scope: "thread",
    names: { "pt-BR": ["remover", "unsave"], en: ["unsave", "remover"] },
    usage: { "pt-BR": "/remover id", en: "/unsave id" },
    description: { "pt-BR": "Apaga uma resposta pronta", en: "Remove a canned reply" },
    run: (c) => {
      const id = c.args.toLowerCase();
      if (!/^\S+$/.test(id)) c.reply(c.ctx.texts.unsave_usage);
      else c.editReplies({ op: "unsave", id, customer: c.conv.customer.id, replyTo: c.m.message_id });
    },
  }),
  command({
    id: "help",
    scope: "thread",
    // `/start` too: staff who open the bot's menu in the group may tap it out of habit.
    names: { "pt-BR": ["ajuda", "help", "start"], en: ["help", "ajuda", "start"] },
    usage: { "pt-BR": "/ajuda ou /help", en: "/help or /ajuda" },
    description: { "pt-BR": "Lista os comandos", en: "List the commands" },
    run: (c) => c.reply(renderText(c.ctx.texts.help, { note_prefix: c.ctx.notePrefix, commands: commandList(c.ctx.locale, "thread") }, ["commands"])),
  }),
];

/**
 * The command called `name` (any locale's name) in `scope`, if there is one. With `ctx`,
 * only one the deployment offers (see {@link CommandSpec.available}).
 */
export function findCommand<S extends CommandScope>(scope: S, name: string, ctx?: CoreContext): CommandSpec<S> | undefined {
  const found = COMMANDS.find((c) => c.scope === scope && (c.names["pt-BR"].includes(name) || c.names.en.includes(name)));
  if (found && ctx && found.available && !found.available(ctx)) return undefined;
  return found as CommandSpec<S> | undefined;
}

/** The commands of a scope (those the deployment offers, with `ctx`), in table order. */
function commandsOf(scope: CommandScope, ctx: CoreContext | undefined): AnyCommand[] {
  return COMMANDS.filter((c) => c.scope === scope && (!ctx || !c.available || c.available(ctx)));
}

/** The commands of a scope as `/help` lists them, one HTML line each. */
export function commandList(locale: Locale, scope: CommandScope, ctx?: CoreContext): string {
  return commandsOf(scope, ctx)
    .map((c) => `${escapeHtml(c.usage[locale])}: ${escapeHtml(c.description[locale])}`)
    .join("\n");
}

/** A command menu entry, as `setMyCommands` takes it. */
export interface MenuEntry {
  command: string;
  description: string;
}

/** The Telegram command menu of a scope in a locale: each command under its locale's first name. */
export function commandMenu(locale: Locale, scope: CommandScope, ctx?: CoreContext): MenuEntry[] {
  return commandsOf(scope, ctx).map((c) => ({ command: c.names[locale][0]!, description: c.description[locale] }));
}

/** Everything {@link handleCommand} needs: the world, the context, the message and the command read from it. */
export interface CommandInput {
  world: World;
  ctx: CoreContext;
  nowMs: number;
  m: TelegramMessage;
  cmd: Command;
}

/**
 * Applies a command typed in a conversation's thread. Commands are never relayed to the
 * customer; a refused, unknown or malformed one is answered in the thread.
 */
export function handleCommand(input: CommandInput & { conv: Conversation; staff: boolean; edits: RepliesEdit[] }): void {
  const { world, ctx, conv, m, cmd, nowMs } = input;
  const t = ctx.texts;
  const reply = (html: string): void => {
    enqueue(world.state, conv, "team", { kind: "notice", html, replyTo: m.message_id, disableNotification: true }, nowMs);
  };
  if (!input.staff) {
    reply(renderText(t.staff_only_command, { name: m.from ? fullName(m.from) : "?" }));
    return;
  }
  const spec = findCommand("thread", cmd.name, ctx);
  if (!spec?.run) {
    reply(renderText(t.unknown_command, { command: `/${cmd.name}` }));
    return;
  }
  spec.run({ world, ctx, nowMs, m, name: cmd.name, args: cmd.args, conv, reply, by: actorOf(m), editReplies: (edit) => input.edits.push(edit) });
}

/** The person who posted a message, unless it was posted as a chat (the channel, an anonymous admin). */
export function actorOf(m: TelegramMessage): Actor | undefined {
  if (m.sender_chat || !m.from) return undefined;
  return { id: m.from.id, name: [m.from.first_name, m.from.last_name].filter(Boolean).join(" ") };
}

/**
 * Applies a command typed in a private chat, if it is one the bot handles there (staff
 * commands first for staff). Returns false when the message is to be handled like any
 * other: not a command, or one without a handler (a customer's /start).
 */
export function handlePrivateCommand(input: CommandInput & { staff: boolean; conv: Conversation | undefined; send(html: string): void }): boolean {
  const { cmd, staff, ctx, conv } = input;
  const staffSpec = staff ? findCommand("staff-private", cmd.name, ctx) : undefined;
  // A banned customer gets no answer from the bot, commands included.
  const spec = staffSpec ?? (conv?.banned ? undefined : findCommand("private", cmd.name, ctx));
  if (!spec?.run) return false;
  const { world, nowMs, m, send } = input;
  spec.run({ world, ctx, nowMs, m, name: cmd.name, args: cmd.args, conv, staff, reply: send, by: actorOf(m) });
  return true;
}
