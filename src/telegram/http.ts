/**
 * A lean HTTP/1.1 keep-alive client for one origin, over node:net / node:tls sockets: just
 * what the Bot API transport (src/telegram/client.ts) needs, a POST with a small body and a
 * small answer.
 *
 * Why not node:http: its ClientRequest, Agent bookkeeping, OutgoingMessage, HTTPParser and
 * IncomingMessage streams were about 40% of the daemon's busy time per relayed message
 * (test/bench, throughput --profile), for one small JSON request and answer. Here a request
 * is ONE socket.write of a prebuilt header block and its body, and the answer is parsed by a
 * small state machine straight from the socket's Buffers.
 *
 * What it keeps of Node's Agent: a pool of keep-alive connections (one request in flight on
 * each, no pipelining, the most recently used first), idle connections closed after a while
 * (sooner when the server's `Keep-Alive: timeout` hint says so, with a 1 s margin) and
 * unref'd so they never keep the process alive, a connection the server closed or broke
 * while idle dropped from the pool, and never a silent re-send: a reused connection that
 * breaks before any answer byte fails the request (a Bot API call such as copyMessage is not
 * idempotent; its outcome is unknown, the caller decides).
 */
import { connect as netConnect, isIP, type OnReadOpts, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";

/** An answer's status and whole body. */
export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** Called once per request: with an error, or with the answer. */
export type HttpDone = (err: Error | null, answer?: HttpAnswer) => void;

/** A request in flight; `cancel` closes its connection and ends it without calling back. */
export interface HttpExchange {
  cancel(): void;
}

/**
 * The server's answer was not HTTP we can read (a malformed status line, header or chunk,
 * bytes nobody asked for): the connection is closed, the request's outcome unknown.
 */
export class HttpProtocolError extends Error {
  override name = "HttpProtocolError";
}

/**
 * The connection closed (or broke) before the whole answer came. `beforeAnswer` tells
 * whether no answer byte had arrived yet; either way the request may have been carried out.
 */
export class HttpConnectionClosed extends Error {
  override name = "HttpConnectionClosed";
  readonly code = "ECONNRESET";
  constructor(readonly beforeAnswer: boolean, cause?: Error) {
    super(beforeAnswer ? "the connection closed before any answer came (socket hang up)" : "the connection closed in the middle of the answer", cause ? { cause } : undefined);
  }
}

/** Where to connect and how long an idle connection is kept. */
export interface HttpPoolOptions {
  /** `http:` or `https:` origin, e.g. "https://api.telegram.org". */
  origin: URL;
  /** How long an idle connection is kept for the next request. */
  idleMs: number;
}

/** A header block bigger than this is no Bot API answer (Telegram's are ~300 bytes). */
const MAX_HEAD_BYTES = 64 * 1024;

/** Node's Agent keeps this margin below a server's `Keep-Alive: timeout` hint. */
const KEEP_ALIVE_HINT_MARGIN_MS = 1000;

const CRLFCRLF = Buffer.from("\r\n\r\n");

const enum Phase {
  /** No request in flight. */
  Idle,
  /** Reading the status line and headers. */
  Head,
  /** Reading `remaining` body bytes (Content-Length). */
  Length,
  /** Reading a chunk-size line. */
  ChunkSize,
  /** Reading `remaining` bytes of a chunk. */
  ChunkData,
  /** Reading the CRLF after a chunk's data. */
  ChunkEnd,
  /** Reading trailer lines after the last chunk, until an empty one. */
  Trailer,
  /** Reading the body until the server closes (no length given). */
  UntilClose,
}

/** A pool of keep-alive connections to one origin. */
export class HttpPool {
  readonly #https: boolean;
  readonly #host: string;
  readonly #port: number;
  readonly #servername: string | undefined;
  /** "Host: …\r\n" and the fixed headers, prebuilt once. */
  readonly #fixedHeaders: string;
  /** @internal How long an idle connection is kept (a server's shorter hint wins). */
  readonly idleMs: number;
  /** Idle connections, the most recently used last (taken first: the others age out). */
  readonly #idle: Connection[] = [];
  /** Where every connection's incoming bytes land, one read at a time (see `open`). */
  readonly #readBuffer = Buffer.allocUnsafe(64 * 1024);

  constructor(options: HttpPoolOptions) {
    const url = options.origin;
    this.#https = url.protocol === "https:";
    if (!this.#https && url.protocol !== "http:") throw new TypeError(`api_root must be http: or https:, not ${url.protocol}`);
    this.#host = url.hostname.replace(/^\[|\]$/g, "");
    this.#port = url.port ? Number(url.port) : this.#https ? 443 : 80;
    // SNI takes a host name only (RFC 6066); Node warns when given an IP address.
    this.#servername = this.#https && isIP(this.#host) === 0 ? this.#host : undefined;
    this.#fixedHeaders = `Host: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: `;
    this.idleMs = options.idleMs;
  }

  /**
   * POSTs `body` (JSON text) to `path` on an idle connection, or a new one. `done` is called
   * once, unless the exchange is cancelled first.
   */
  post(path: string, body: string, done: HttpDone): HttpExchange {
    // One write: the whole header block and the body in one string (one syscall, one TCP
    // segment for a Bot API call), Content-Length in bytes, not UTF-16 units.
    const request = `POST ${path} HTTP/1.1\r\n${this.#fixedHeaders}${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const connection = this.#take() ?? new Connection(this);
    connection.send(request, done);
    return connection;
  }

  /** @internal A connection whose request ended and that may carry the next one. */
  release(connection: Connection): void {
    this.#idle.push(connection);
  }

  /** @internal A connection that closed or broke: never handed out again. */
  forget(connection: Connection): void {
    const at = this.#idle.lastIndexOf(connection);
    if (at !== -1) this.#idle.splice(at, 1);
  }

  #take(): Connection | undefined {
    let connection: Connection | undefined;
    while ((connection = this.#idle.pop()) !== undefined) {
      if (connection.usable()) return connection;
      connection.destroy();
    }
    return undefined;
  }

  /**
   * @internal A new socket whose incoming bytes go to `onRead`. Through `onread`, not 'data'
   * events: the bytes land in one buffer the pool's connections share (read and parsed
   * synchronously, so no two reads overlap), skipping the Readable stream's push, buffering
   * and emit per packet. Whatever outlives the callback is copied out of it.
   */
  open(onRead: (chunk: Buffer) => void): Socket {
    // `true`: keep reading (false would pause the socket).
    const onread: OnReadOpts = { buffer: this.#readBuffer, callback: (n, buffer) => (onRead((buffer as Buffer).subarray(0, n)), true) };
    const socket = this.#https
      ? // tls.connect takes `onread` too (Node's docs); @types/node 20 does not list it.
        tlsConnect({ host: this.#host, port: this.#port, onread, ...(this.#servername ? { servername: this.#servername } : {}) } as ConnectionOptions)
      : netConnect({ host: this.#host, port: this.#port, onread });
    // One write per request: nothing for Nagle to coalesce, only a delay to add.
    socket.setNoDelay(true);
    // Like Node's Agent: the OS notices a peer that vanished on an idle connection.
    socket.setKeepAlive(true, 1000);
    return socket;
  }
}

/** One keep-alive connection and the parser of its answers. */
class Connection implements HttpExchange {
  readonly #pool: HttpPool;
  readonly #socket: Socket;
  #done: HttpDone | undefined;
  #phase = Phase.Idle;
  /** Header bytes so far, while a header block spans several packets. */
  #head: Buffer | undefined;
  #status = 0;
  /** Body bytes (or a chunk's) still to read. */
  #remaining = 0;
  #body: Buffer[] = [];
  /** A chunk-size or trailer line so far, while it spans packets. */
  #line = "";
  /** Whether any answer byte came for the request in flight. */
  #answered = false;
  /** The server asked to close after this answer, or it is HTTP/1.0. */
  #closeAfter = false;
  /** The server's keep-alive hint for this connection, ms (already with the margin). */
  #hintMs = Infinity;
  #closed = false;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(pool: HttpPool) {
    this.#pool = pool;
    const socket = pool.open((chunk) => this.#onData(chunk));
    this.#socket = socket;
    socket.on("end", () => this.#onEnd());
    // Also after the answer, or while idle: then there is nothing to fail, only a connection to drop.
    socket.on("error", (err: Error) => this.#onClose(err));
    socket.on("close", () => this.#onClose(undefined));
  }

  /** Whether the connection can carry a new request: open both ways, nothing pending. */
  usable(): boolean {
    const s = this.#socket;
    return !this.#closed && !s.destroyed && s.readable && s.writable && this.#phase === Phase.Idle;
  }

  send(request: string, done: HttpDone): void {
    this.#done = done;
    this.#phase = Phase.Head;
    this.#answered = false;
    this.#socket.ref();
    this.#socket.write(request);
  }

  /** Cancels the request in flight: the connection is closed, `done` is not called. */
  cancel(): void {
    this.#done = undefined;
    this.destroy();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.forget(this);
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#socket.destroy();
  }

  /** `chunk` is the pool's shared read buffer: valid only until this returns. */
  #onData(chunk: Buffer): void {
    if (this.#phase === Phase.Idle) {
      // Bytes nobody asked for: whatever they are, this connection is out of step.
      this.destroy();
      return;
    }
    this.#answered = true;
    try {
      this.#parse(chunk);
    } catch (err) {
      // An answer we cannot read fails its call; anything else is a bug, not the server's.
      if (err instanceof HttpProtocolError) this.#fail(err);
      else {
        this.destroy();
        throw err;
      }
    }
  }

  #parse(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.#phase) {
        case Phase.Head: {
          at = this.#readHead(chunk, at);
          // An answer with no body (204, Content-Length: 0) is already whole.
          if ((this.#phase as Phase) === Phase.Idle) return;
          break;
        }
        case Phase.Length: {
          at = this.#takeBody(chunk, at);
          if (this.#remaining === 0) return this.#complete(at < chunk.length);
          break;
        }
        case Phase.ChunkSize:
        case Phase.Trailer: {
          const eol = chunk.indexOf(10, at);
          if (eol === -1) {
            this.#line += chunk.toString("latin1", at);
            if (this.#line.length > MAX_HEAD_BYTES) throw new HttpProtocolError("a chunk-size or trailer line is too long");
            return;
          }
          const line = (this.#line + chunk.toString("latin1", at, eol)).replace(/\r$/, "");
          this.#line = "";
          at = eol + 1;
          if (this.#phase === Phase.Trailer) {
            if (line === "") return this.#complete(at < chunk.length);
            break;
          }
          const size = /^([0-9a-fA-F]+)[ \t]*(;.*)?$/.exec(line);
          if (!size) throw new HttpProtocolError(`malformed chunk size ${JSON.stringify(line.slice(0, 40))}`);
          this.#remaining = parseInt(size[1]!, 16);
          this.#phase = this.#remaining === 0 ? Phase.Trailer : Phase.ChunkData;
          break;
        }
        case Phase.ChunkData: {
          at = this.#takeBody(chunk, at);
          if (this.#remaining === 0) {
            this.#phase = Phase.ChunkEnd;
            this.#remaining = 2;
          }
          break;
        }
        case Phase.ChunkEnd: {
          // The CRLF after a chunk's data, possibly split across packets.
          const expected = this.#remaining === 2 ? 13 : 10;
          if (chunk[at] !== expected) throw new HttpProtocolError("a chunk's data is not followed by CRLF");
          at++;
          if (--this.#remaining === 0) this.#phase = Phase.ChunkSize;
          break;
        }
        case Phase.UntilClose: {
          this.#body.push(Buffer.from(chunk.subarray(at)));
          return;
        }
        case Phase.Idle: {
          // Not reached (a whole answer stops the parse); were it, the connection is out of step.
          this.destroy();
          return;
        }
      }
    }
  }

  /** Copies up to `#remaining` body bytes out of the shared read buffer; returns where they end. */
  #takeBody(chunk: Buffer, at: number): number {
    const end = Math.min(at + this.#remaining, chunk.length);
    this.#body.push(Buffer.from(chunk.subarray(at, end)));
    this.#remaining -= end - at;
    return end;
  }

  /** Reads the header block from `chunk` at `at`; returns where its body starts. */
  #readHead(chunk: Buffer, at: number): number {
    let block: Buffer;
    let searchFrom: number;
    if (this.#head === undefined) {
      block = at === 0 ? chunk : chunk.subarray(at);
      searchFrom = 0;
    } else {
      // The header block spans packets: search only where its end can be.
      searchFrom = Math.max(0, this.#head.length - 3);
      block = Buffer.concat([this.#head, at === 0 ? chunk : chunk.subarray(at)]);
    }
    const end = block.indexOf(CRLFCRLF, searchFrom);
    if (end === -1) {
      if (block.length > MAX_HEAD_BYTES) throw new HttpProtocolError("the header block is too long");
      this.#head = block === chunk || block.buffer === chunk.buffer ? Buffer.from(block) : block;
      return chunk.length;
    }
    const consumedBefore = this.#head === undefined ? 0 : this.#head.length;
    this.#head = undefined;
    const bodyStart = at + (end + 4 - consumedBefore);
    this.#headers(block.toString("latin1", 0, end), bodyStart < chunk.length);
    return bodyStart;
  }

  /**
   * Takes the status and the headers that frame the body and the connection (`more`: bytes
   * follow the header block in this read). Scans by index
   * rather than split and regular expressions: it runs once per Bot API call.
   */
  #headers(text: string, more: boolean): void {
    let eol = text.indexOf("\r\n");
    if (eol === -1) eol = text.length;
    const code = statusOf(text, eol);
    if (code === 0) throw new HttpProtocolError(`malformed status line ${JSON.stringify(text.slice(0, Math.min(eol, 40)))}`);
    const http10 = text.charCodeAt(7) === 48; // "HTTP/1.0"
    let length = -1;
    let chunked = false;
    let close = http10;
    for (let at = eol + 2; at < text.length; at = eol + 2) {
      eol = text.indexOf("\r\n", at);
      if (eol === -1) eol = text.length;
      const colon = text.indexOf(":", at);
      if (colon <= at || colon > eol) throw new HttpProtocolError(`malformed header line ${JSON.stringify(text.slice(at, Math.min(eol, at + 40)))}`);
      // Only four headers frame the answer (told apart by their name's length first); the
      // rest is not ours to read.
      switch (colon - at) {
        case 10: {
          if (nameIs(text, at, "connection")) {
            const value = text.slice(colon + 1, eol).toLowerCase();
            if (value.includes("close")) close = true;
            else if (http10 && value.includes("keep-alive")) close = false;
          } else if (nameIs(text, at, "keep-alive")) {
            const hint = /timeout=(\d+)/i.exec(text.slice(colon + 1, eol));
            if (hint) this.#hintMs = Number(hint[1]) * 1000 - KEEP_ALIVE_HINT_MARGIN_MS;
          }
          break;
        }
        case 14:
          if (nameIs(text, at, "content-length")) {
            const value = text.slice(colon + 1, eol).trim();
            const n = digitsOf(value);
            if (n === -1 || (length !== -1 && n !== length)) throw new HttpProtocolError(`malformed Content-Length ${JSON.stringify(value.slice(0, 40))}`);
            length = n;
          }
          break;
        case 17:
          if (nameIs(text, at, "transfer-encoding")) {
            const value = text.slice(colon + 1, eol).trim().toLowerCase();
            if (value.endsWith("chunked")) chunked = true;
            else throw new HttpProtocolError(`unsupported Transfer-Encoding ${JSON.stringify(value.slice(0, 40))}`);
          }
          break;
      }
    }
    if (code < 200) {
      // An interim answer (100 Continue, 103 Early Hints): the real one follows.
      this.#phase = Phase.Head;
      return;
    }
    this.#status = code;
    this.#closeAfter = close;
    this.#body = [];
    if (code === 204 || code === 304) this.#complete(more);
    // Chunked wins over a Content-Length (RFC 9112 §6.3); such a server closes after it.
    else if (chunked) {
      this.#phase = Phase.ChunkSize;
      if (length !== -1) this.#closeAfter = true;
    } else if (length > 0) {
      this.#phase = Phase.Length;
      this.#remaining = length;
    } else if (length === 0) this.#complete(more);
    else {
      this.#phase = Phase.UntilClose;
      this.#closeAfter = true;
    }
  }

  /**
   * The answer is whole: the connection goes back to the pool (or closes, when bytes nobody
   * asked for follow it), then `done`. Parsing stops here: `done` may hand the connection
   * straight to the next request.
   */
  #complete(extraBytes: boolean): void {
    const done = this.#done;
    const body = this.#body;
    this.#done = undefined;
    this.#body = [];
    this.#phase = Phase.Idle;
    const keepMs = Math.min(this.#pool.idleMs, this.#hintMs);
    if (this.#closeAfter || extraBytes || keepMs <= 0 || !this.usable()) this.destroy();
    else this.#rest(keepMs);
    done?.(null, { status: this.#status, body: body.length === 1 ? body[0]! : Buffer.concat(body) });
  }

  /** Idle: unref'd, so it never keeps the process alive, and closed after `keepMs`. */
  #rest(keepMs: number): void {
    this.#socket.unref();
    if (this.#idleTimer === undefined) {
      this.#idleTimer = setTimeout(() => {
        // A timer that fires while the connection carries a request is re-armed when it rests.
        if (this.#phase === Phase.Idle) this.destroy();
      }, keepMs);
      this.#idleTimer.unref();
    } else {
      this.#idleTimer.refresh();
    }
    this.#pool.release(this);
  }

  #onEnd(): void {
    // The server closed its side. An answer read until close is now whole; anything else
    // in flight is cut off; an idle connection is simply gone.
    if (this.#phase === Phase.UntilClose) {
      this.#complete(false);
      return;
    }
    if (this.#phase !== Phase.Idle) this.#fail(new HttpConnectionClosed(!this.#answered));
    this.destroy();
  }

  #onClose(err: Error | undefined): void {
    if (this.#phase === Phase.UntilClose && err === undefined) {
      this.#complete(false);
      return;
    }
    if (this.#phase !== Phase.Idle && this.#done) {
      // A socket error (ECONNREFUSED, a TLS failure) is its own best explanation; a bare
      // close, or a reset on a reused connection, is a connection closed mid-request.
      this.#fail(err !== undefined && !(err as { code?: string }).code?.startsWith("ECONNRESET") ? err : new HttpConnectionClosed(!this.#answered, err));
    }
    this.destroy();
  }

  #fail(err: Error): void {
    const done = this.#done;
    this.#done = undefined;
    this.#phase = Phase.Idle;
    this.#body = [];
    this.destroy();
    done?.(err);
  }
}

/**
 * The status code of an "HTTP/1.x NNN reason" line ending at `eol`, or 0 when the line is
 * not one (a server that does not speak HTTP/1.x).
 */
function statusOf(text: string, eol: number): number {
  if (eol < 12 || !text.startsWith("HTTP/1.") || text.charCodeAt(8) !== 32) return 0;
  const minor = text.charCodeAt(7);
  if (minor !== 48 && minor !== 49) return 0;
  if (eol > 12 && text.charCodeAt(12) !== 32) return 0;
  let code = 0;
  for (let i = 9; i < 12; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    code = code * 10 + d;
  }
  return code >= 100 ? code : 0;
}

/**
 * Whether the header name at `at` in `text` is `lower` (lower case, letters and "-"),
 * case-insensitively, without slicing it out: the caller has checked its length.
 */
function nameIs(text: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(at + i);
    const l = lower.charCodeAt(i);
    // The same character, or the upper case of a lower-case letter.
    if (c !== l && !(l >= 97 && l <= 122 && c === l - 32)) return false;
  }
  return true;
}

/** A Content-Length value's number, or -1 when it is not all digits. */
function digitsOf(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
