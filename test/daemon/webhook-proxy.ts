/**
 * A stand-in for the operator's reverse proxy between Telegram (the sandbox) and the daemon's
 * webhook listener, which a test can make misbehave: answer 502 itself, or pass the update on
 * and lose the daemon's answer (the daemon crashed before Telegram heard back).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does with one request: pass it on, answer `status` itself, or pass it on and drop the answer. */
export type ProxyAction = "pass" | { status: number } | { dropAnswer: (status: number) => void };

export interface WebhookProxy {
  /** Give this to setWebhook (the config's webhook.url). */
  url: string;
  /** update_id of every request, in arrival order (repeats included). */
  seen: number[];
  /** The most requests that were in the proxy at once. */
  maxConcurrent: number;
  /** Decides each request (default: pass). */
  rule: (updateId: number) => ProxyAction;
  close(): Promise<void>;
}

/** Listens on a free loopback port and forwards to the daemon's listener at `target`. */
export async function startWebhookProxy(target: { port: number }): Promise<WebhookProxy> {
  let concurrent = 0;
  const proxy: WebhookProxy = { url: "", seen: [], maxConcurrent: 0, rule: () => "pass", close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let id = -1;
      try {
        id = (JSON.parse(body.toString()) as { update_id: number }).update_id;
      } catch {
        // not an update: passed on as it is
      }
      proxy.seen.push(id);
      concurrent++;
      proxy.maxConcurrent = Math.max(proxy.maxConcurrent, concurrent);
      const done = () => void concurrent--;
      const action = proxy.rule(id);
      if (action !== "pass" && "status" in action) {
        res.writeHead(action.status, { "content-length": 0 }).end();
        done();
        return;
      }
      const upstream = http.request(
        { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false },
        (answer) => {
          answer.resume();
          answer.on("end", () => {
            done();
            if (action !== "pass") {
              // The answer never reaches Telegram: as if the daemon died before sending it.
              res.socket?.destroy();
              action.dropAnswer(answer.statusCode ?? 0);
              return;
            }
            res.writeHead(answer.statusCode ?? 502, { "content-length": 0 }).end();
          });
        },
      );
      upstream.on("error", () => {
        done();
        res.writeHead(502, { "content-length": 0 }).end(); // the daemon is down: nginx says 502 Bad Gateway
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${port}/telegram`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
