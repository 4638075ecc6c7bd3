/**
 * R36 save-reply at the edge: the daemon makes the edit of the replies file a thread
 * command asked for (`/save`, `/unsave`) with the replies module's own write (atomic, in
 * the file's format, comments kept), and says what happened for the thread's answer.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { RepliesEdit, RepliesOutcome } from "../core/replies-edit.ts";
import { checkText, loadReplies, RepliesError, saveReplies, type Reply } from "../replies/index.ts";

const READ_ONLY = new Set(["EACCES", "EPERM", "EROFS"]);

/** Whether the file's mode says nobody may write it (root may, but the operator meant it read-only). */
async function markedReadOnly(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  return s !== undefined && (s.mode & 0o222) === 0;
}

/** Makes `edit` in the replies file at `path`; never throws. The file is written whole or not at all. */
export async function editRepliesFile(path: string, edit: RepliesEdit): Promise<RepliesOutcome> {
  const file = basename(path);
  let current: Reply[];
  try {
    current = await loadReplies(path, { label: file });
  } catch (err) {
    const detail = err instanceof RepliesError ? `${err.message}${err.hint ? ` (${err.hint})` : ""}` : (err as Error).message;
    return { ok: false, problem: "invalid", file, detail };
  }
  let next: Reply[];
  if (edit.op === "save") {
    const existing = current.find((r) => r.id === edit.id);
    // The same text under the same id: already saved (e.g. the command seen again after a restart).
    if (existing) return existing.text === edit.text ? { ok: true } : { ok: false, problem: "duplicate", title: existing.title };
    const why = checkText(edit.text, edit.parseMode);
    if (why) return { ok: false, problem: "invalid", file, detail: why };
    next = [...current, { id: edit.id, title: edit.title, text: edit.text, ...(edit.parseMode ? { parse_mode: edit.parseMode } : {}) }];
  } else {
    if (!current.some((r) => r.id === edit.id)) {
      const near = current.filter((r) => r.id.includes(edit.id) || edit.id.includes(r.id)).map((r) => r.id).slice(0, 3);
      return { ok: false, problem: "not_found", near };
    }
    next = current.filter((r) => r.id !== edit.id);
  }
  if (await markedReadOnly(path)) return { ok: false, problem: "read_only", file };
  try {
    await saveReplies(path, next, { label: file });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && READ_ONLY.has(code)) return { ok: false, problem: "read_only", file };
    const detail = err instanceof RepliesError ? err.message : (err as Error).message;
    return { ok: false, problem: "invalid", file, detail };
  }
  return { ok: true };
}
