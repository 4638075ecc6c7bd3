import type { TelegramMessageEntity } from "@gramio/types";
import { badRequest, SandboxUsageError } from "./errors.ts";
import type { FileKind, FileStore } from "./files.ts";
import { FILE_KINDS } from "./files.ts";
import { formatText, ParseEntitiesError, utf16Length } from "./text.ts";
import type { FormatOptions, FormattedText } from "./text.ts";
import type { Content } from "./types.ts";

/** The content fields of a stored message (text/entities, photo/caption, poll, …), as Telegram shows them. */
export type Stored = Record<string, unknown>;

export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;
/** Kinds Telegram does not let a bot copy. */
const NOT_COPYABLE = new Set(["game", "invoice", "paid_media", "service"]);

/** Kinds that may carry a caption. */
export const CAPTIONED = new Set<string>(["photo", "video", "animation", "document", "audio", "voice", "paid_media"]);

/** The message kind of stored content: "text", "photo", …, or "service" for none. */
export function kindOf(content: Stored): string {
  if (content.venue !== undefined) return "venue";
  for (const k of ["game", "invoice", "paid_media", "text", ...FILE_KINDS, "location", "contact", "poll", "dice"]) {
    if (content[k] !== undefined) return k;
  }
  return "service";
}

/** Whether a bot may copy a message with this content. */
export function isCopyable(content: Stored): boolean {
  return !NOT_COPYABLE.has(kindOf(content));
}

/**
 * Parses text the way the Bot API does for a bot's request (parse mode, trim, entities) and
 * turns a refusal into Telegram's 400.
 */
export function formatForApi(
  text: string,
  parseMode: string | undefined,
  entities: TelegramMessageEntity[] | undefined,
  options?: FormatOptions,
): FormattedText {
  try {
    return formatText(text, parseMode, entities, options);
  } catch (error) {
    if (error instanceof ParseEntitiesError) throw badRequest(error.message);
    throw error;
  }
}

/** A message text for a bot's request: `{text, entities?}`, or Telegram's error. */
export function apiText(text: string, parseMode?: string, entities?: TelegramMessageEntity[], options?: FormatOptions): Stored {
  if (text === "") throw badRequest("message text is empty");
  const f = formatForApi(text, parseMode, entities, options);
  if (f.text === "") throw badRequest("message text is empty");
  if (utf16Length(f.text) > MAX_TEXT) throw badRequest("message is too long");
  return withEntities({ text: f.text }, "entities", f.entities);
}

/** A caption for a bot's request: `{caption?, caption_entities?}` (empty when there is none). */
export function apiCaption(
  caption: string | undefined,
  parseMode?: string,
  entities?: TelegramMessageEntity[],
  options?: FormatOptions,
): Stored {
  if (caption === undefined || caption === "") return {};
  const f = formatForApi(caption, parseMode, entities, options);
  if (utf16Length(f.text) > MAX_CAPTION) throw badRequest("message caption is too long");
  if (f.text === "") return {};
  return withEntities({ caption: f.text }, "caption_entities", f.entities);
}

function withEntities(out: Stored, key: string, entities: TelegramMessageEntity[]): Stored {
  if (entities.length > 0) out[key] = entities;
  return out;
}

/** When an edit names the file the message already has (by id or sample name), the file is kept. */
function sameFile(files: FileStore, old: unknown, ref: string): unknown {
  if (old === undefined) return undefined;
  const last = (Array.isArray(old) ? old.at(-1) : old) as { file_id?: string } | undefined;
  const id = last?.file_id;
  if (id !== undefined && (ref === id || files.sampleNameOf(id) === ref)) return structuredClone(old);
  return undefined;
}

let diceSeq = 0;
/** Dice values cycle deterministically so tests are reproducible. */
export function rollDice(emoji: string): number {
  diceSeq++;
  const faces = emoji === "🎰" ? 64 : emoji === "🏀" || emoji === "⚽" ? 5 : 6;
  return ((diceSeq * 7) % faces) + 1;
}

let pollSeq = 0;
/** A poll object as a message carries it. */
export function newPoll(question: string, options: string[], extra: Stored = {}): Stored {
  pollSeq++;
  return {
    id: String(5_300_000_000_000_000_000n + BigInt(pollSeq)),
    question,
    options: options.map((text, i) => ({ persistent_id: String(i), text, voter_count: 0 })),
    total_voter_count: 0,
    is_closed: false,
    is_anonymous: true,
    type: "regular",
    allows_multiple_answers: false,
    ...extra,
  };
}

/**
 * What a person's Content becomes in a message. Exactly one kind is expected; text goes
 * through the same formatter as the bot's (errors here are the test's mistake, not Telegram's).
 */
export function storedFromContent(c: Content, files: FileStore, options?: FormatOptions, previous?: Stored): Stored {
  const kinds = (
    ["text", ...FILE_KINDS, "location", "venue", "contact", "poll", "dice", "game", "invoice", "paid_media"] as const
  ).filter((k) => c[k] !== undefined);
  if (kinds.length !== 1) {
    throw new SandboxUsageError(`content must have exactly one kind (text, photo, …), got ${kinds.length ? kinds.join(", ") : "none"}`);
  }
  const kind = kinds[0]!;
  const format = (text: string, pm?: string, ents?: TelegramMessageEntity[]) => {
    try {
      return formatText(text, pm, ents, options);
    } catch (error) {
      if (error instanceof ParseEntitiesError) throw new SandboxUsageError(`content text: ${error.message}`);
      throw error;
    }
  };
  if (kind === "text") {
    const f = format(c.text!, c.parse_mode, c.entities);
    if (f.text === "") throw new SandboxUsageError("content text is empty after trimming");
    if (utf16Length(f.text) > MAX_TEXT) throw new SandboxUsageError(`content text is longer than ${MAX_TEXT} UTF-16 units`);
    return withEntities({ text: f.text }, "entities", f.entities);
  }
  const out: Stored = {};
  if ((FILE_KINDS as readonly string[]).includes(kind)) {
    out[kind] = sameFile(files, previous?.[kind], c[kind as FileKind]!) ?? files.sample(kind as FileKind, c[kind as FileKind]!);
    if (c.caption !== undefined && CAPTIONED.has(kind)) {
      const f = format(c.caption, c.parse_mode, c.caption_entities);
      if (utf16Length(f.text) > MAX_CAPTION) throw new SandboxUsageError(`caption is longer than ${MAX_CAPTION} UTF-16 units`);
      if (f.text !== "") Object.assign(out, withEntities({ caption: f.text }, "caption_entities", f.entities));
    }
    return out;
  }
  switch (kind) {
    case "location":
      return { location: { latitude: c.location!.latitude, longitude: c.location!.longitude } };
    case "venue": {
      const v = c.venue!;
      const location = { latitude: v.latitude, longitude: v.longitude };
      return { venue: { location, title: v.title, address: v.address }, location };
    }
    case "contact": {
      const contact: Stored = { phone_number: c.contact!.phone_number, first_name: c.contact!.first_name };
      if (c.contact!.last_name) contact.last_name = c.contact!.last_name;
      return { contact };
    }
    case "poll":
      return { poll: newPoll(c.poll!.question, c.poll!.options) };
    case "dice": {
      const emoji = c.dice!.emoji ?? "🎲";
      return { dice: { emoji, value: rollDice(emoji) } };
    }
    case "game":
      return { game: { title: "Sandbox game", description: "A game a bot cannot copy", photo: files.upload("photo", "game.jpg") } };
    case "invoice":
      return { invoice: { title: "Sandbox invoice", description: "An invoice a bot cannot copy", start_parameter: "invoice", currency: "USD", total_amount: 500 } };
    case "paid_media":
      return { paid_media: { star_count: 10, paid_media: [{ type: "preview", width: 800, height: 800 }] } };
  }
  throw new SandboxUsageError(`unsupported content kind ${kind}`);
}
