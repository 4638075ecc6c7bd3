/** Canned replies: the file (load/save) and search for inline mode (placeholders are filled by the core: src/core/placeholders.ts). */
export type { Reply, ParseMode } from "./types.ts";
export { PARSE_MODES, REPLY_KEYS } from "./types.ts";
export { RepliesError, type RepliesProblem } from "./errors.ts";
export { ID_PATTERN, checkId, checkTitle, checkText, checkParseMode, validateReplies } from "./validate.ts";
export {
  loadReplies,
  saveReplies,
  parseReplies,
  serializeReplies,
  repliesFormat,
  replyToPlain,
  writeFileAtomic,
  type RepliesFormat,
  type SaveOptions,
} from "./file.ts";
export { idFromTitle, uniqueId } from "./ids.ts";
export { searchReplies, fold, queryTerms, byTitle } from "./search.ts";
