import { badRequest } from "./errors.ts";

/** An uploaded multipart file part. */
export interface UploadedFile {
  name: string;
}

/**
 * A request's parameters, read the way the Bot API server reads them: every value is text
 * (JSON numbers and objects are taken as their JSON), missing and empty are alike, integers
 * parse leniently, and JSON-valued parameters are decoded on demand.
 */
export class Params {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly uploads: Map<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  str(name: string): string {
    const v = this.raw[name];
    if (v === undefined || v === null) return "";
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
    return JSON.stringify(v);
  }

  /** Like td::to_integer: leading sign and digits, anything else is 0; empty is `fallback`. */
  int(name: string, fallback = 0): number {
    const s = this.str(name).trim();
    if (s === "") return fallback;
    const m = /^[+-]?\d+/.exec(s);
    return m ? Number(m[0]) : 0;
  }

  bool(name: string): boolean {
    const s = this.str(name).toLowerCase();
    return s === "true" || s === "1" || s === "yes";
  }

  /** A JSON-valued parameter (an object in a JSON body, or JSON text); undefined when absent. */
  json<T = unknown>(name: string, what: string): T | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") return v as T;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw badRequest(`can't parse ${what} JSON object`);
    }
  }

  /** A multipart file sent in this field, or referenced as "attach://<field>". */
  upload(nameOrAttach: string): UploadedFile | undefined {
    const field = nameOrAttach.startsWith("attach://") ? nameOrAttach.slice("attach://".length) : nameOrAttach;
    return this.uploads.get(field);
  }
}
