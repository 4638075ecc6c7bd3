import { readFile, realpath } from "node:fs/promises";
import { LineCounter, parseDocument, type Document } from "yaml";
import { writeFileAtomic } from "../store/atomic-write.ts";
import { ConfigError } from "./errors.ts";

/**
 * Edits the config file in place, keeping its comments and layout: `edit` changes the
 * parsed YAML document (e.g. `doc.addIn(["staff"], {id, name})`), then the file is
 * replaced atomically (temp file + rename) with mode 0600, since it may hold the token.
 * A symlinked config is edited at its target. Throws a ConfigError when the file is
 * missing or is not valid YAML (it is then left untouched).
 */
export async function updateConfigFile(path: string, edit: (doc: Document) => void | Promise<void>): Promise<void> {
  const target = await realpath(path).catch(() => path);
  let source: string;
  try {
    source = await readFile(target, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    throw new ConfigError(
      path,
      [{ detail: missing ? "config file not found" : `cannot be read: ${(err as Error).message}` }],
      missing ? "run `clientes init` to create it, or pass --config PATH" : "check the path and its permissions",
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      path,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { detail: `line ${line}, column ${col}: invalid YAML: ${e.message}` };
      }),
      "fix the YAML by hand first; the file was not changed",
    );
  }
  await edit(doc);
  // lineWidth 0: never re-wrap long texts the user wrote on one line.
  await writeFileAtomic(target, doc.toString({ lineWidth: 0 }), { mode: 0o600 });
}
