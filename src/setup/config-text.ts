/**
 * The config.yaml `clientes init` writes: the operator's answers, with the same comments as
 * config.example.yaml so the file explains itself when opened later.
 */
import type { StaffMember } from "../config/index.ts";
import { DEFAULTS } from "../config/index.ts";
import type { Locale } from "../texts.ts";

/** What init asked. */
export interface InitAnswers {
  /** Written to the file; "" when it comes from env CLIENTES_BOT_TOKEN instead. */
  token: string;
  /** Written only when not Telegram's own. */
  apiRoot?: string;
  channel: number | string;
  group: number | string;
  staff: readonly StaffMember[];
  locale: Locale;
  /** Who/what the channel and group are, for a comment next to their ids. */
  channelTitle?: string;
  groupTitle?: string;
}

/** A YAML double-quoted string (JSON's escapes are valid YAML). */
function q(s: string): string {
  return JSON.stringify(s);
}

function chat(value: number | string): string {
  return typeof value === "number" ? String(value) : q(value);
}

/** A comment on one line, whatever the title holds. */
function note(title: string | undefined): string {
  return title === undefined ? "" : `  # ${title.replace(/\s+/g, " ").trim()}`;
}

/** The file's text. Pure; the caller validates it with the config loader before writing. */
export function renderConfig(a: InitAnswers): string {
  const staff =
    a.staff.length === 0
      ? "staff: []\n"
      : "staff:\n" + a.staff.map((m) => `  - id: ${m.id}\n` + (m.name !== undefined ? `    name: ${q(m.name)}\n` : "")).join("");
  const tokenComment = a.token === "" ? "  # empty: env CLIENTES_BOT_TOKEN gives it" : "";
  return `# clientes configuration, written by \`clientes init\`.
#
# Keep this file private (mode 600): it holds the bot token. Every key is documented in
# config.example.yaml. Check the setup any time with \`clientes check\`.
# Relative paths below (store, replies) are relative to this file's folder.

bot:
  # The bot token from @BotFather. Env CLIENTES_BOT_TOKEN wins over this value.
  token: ${q(a.token)}${tokenComment}
  # Where Bot API requests go: {api_root}/bot{token}/{method}. Env CLIENTES_API_ROOT wins.
  api_root: ${q(a.apiRoot ?? DEFAULTS.api_root)}

# The private support channel: one card (a post) per conversation.
channel: ${chat(a.channel)}${note(a.channelTitle)}

# The channel's linked discussion group: the comments under each card are the
# conversation. Only its creator and the bot should be members.
group: ${chat(a.group)}${note(a.groupTitle)}

# The daemon's JSON store (conversations, message links, update offset).
store: ${q(DEFAULTS.store)}

# Canned replies for inline mode (.yaml, .yml or .json); manage them with \`clientes replies\`.
replies: ${q(DEFAULTS.replies)}

# Who may answer customers: Telegram user ids (name is optional). Comments posted as
# the channel itself also count as staff. \`clientes staff add|remove|sync\` edits this
# list and keeps these comments; the running daemon picks changes up by itself.
${staff}
# Language of the default texts: "pt-BR" or "en".
locale: ${q(a.locale)}

# Overrides for any text the bot shows; see config.example.yaml.
# texts:
#   welcome: "Olá, {first_name}! Já vamos te atender."

# A staff comment starting with this stays internal. Quote it: # starts a YAML comment.
note_prefix: ${q(DEFAULTS.note_prefix)}

# Days to keep the links between a message and its copy (edits and replies need them).
retention_days: ${DEFAULTS.retention_days}

# Sign staff messages to the customer with the agent's name: true or false.
signatures: ${DEFAULTS.signatures}

# When the group's budget (~20 messages a minute) is used up, send a customer's waiting
# texts as one comment instead of one each: true or false.
coalesce: ${DEFAULTS.coalesce}

# How much the daemon logs: "debug", "info", "warn" or "error".
log_level: ${q(DEFAULTS.log_level)}
`;
}
