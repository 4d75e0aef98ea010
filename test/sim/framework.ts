/**
 * Loopback simulator framework: the base of every vendor simulator in test/sim.
 *
 *   const server = new SimServer({ name: "acme", clock, notFound: (req) => ({ status: 404, body: {...} }) });
 *   server.route("GET", "/api/things/:id", (req) => ({ status: 200, body: { id: req.params.id } }));
 *   const baseUrl = await server.start();            // "http://127.0.0.1:PORT" (https with opts.tls)
 *   server.faults.add({ route: "GET /api/things/:id", times: 2, status: 503 });  // 2 failures, then success
 *   server.requestCount("GET /api/things/:id");       // requests received for that route
 *   await server.stop();                               // closes and destroys open sockets
 *
 * Handlers get a SimRequest {method, path, params, query, headers (lower-case names), body (parsed
 * JSON or undefined), rawBody, clock, signal, ...} and return (or resolve to) a SimResponse
 * {status, headers?, body?}: an object body is sent as JSON, a string as text, a Buffer raw.
 * Throw `SimHttpError(status, body, headers)` to answer early (auth failures, validation).
 * Any other thrown error becomes a 500 built by `opts.onError`.
 *
 * Routing: patterns are literal segments and `:name` segments (one non-empty segment, URI-decoded);
 * routes are tried in registration order, so register "/storages/instance" before "/storages/:id".
 * A trailing slash on the request path is ignored. An unknown path goes to `opts.notFound`; a
 * known path with another method goes to `opts.notFound` too, with `allowedMethods` filled
 * (default answers: 404, or 405 with an Allow header).
 *
 * Time: simulators compute asynchronous state from `clock.now()` ("states on a clock") and never
 * sleep on it; see sim-clock.ts (ScaledClock for the demo, waitUntil for held responses).
 *
 * Faults: see faults.ts. Log: every request is recorded in `server.log` (headers redacted) and
 * counted per route key ("POST /x/:id"), per concrete key ("POST /x/42") and per "METHOD *".
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { systemClock, type Clock } from "../../provider/core/clock";
import { describeFault, FaultInjector, normalizePath } from "./faults";
import {
  decodePathSafe,
  flattenHeaders,
  matchSegments,
  readBody,
  realDelay,
  SENSITIVE_HEADER,
} from "./http-util";
import {
  SimHttpError,
  type SimHandler,
  type SimLogEntry,
  type SimRequest,
  type SimResponse,
  type SimServerOptions,
} from "./sim-types";

export { FaultInjector, type Fault, type FaultSpec } from "./faults";
export { ScaledClock, waitUntil, isoSeconds, type WaitUntilOptions } from "./sim-clock";

export type { SimHandler, SimLogEntry, SimRequest, SimResponse, SimServerOptions } from "./sim-types";
export { SimHttpError } from "./sim-types";

interface RouteEntry {
  method: string;
  pattern: string;
  key: string;
  segments: string[];
  handler: SimHandler;
}

export class SimServer {
  readonly clock: Clock;
  readonly faults = new FaultInjector();
  readonly log: SimLogEntry[] = [];
  private readonly routes: RouteEntry[] = [];
  private readonly counts = new Map<string, number>();
  private total = 0;
  private seq = 0;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private stopping = new AbortController();
  private baseUrl: string | undefined;
  private lastPort: number | undefined;

  constructor(private readonly opts: SimServerOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
        else res.destroy();
      });
    };
    this.server = opts.tls
      ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
      : http.createServer(listener);
    this.server.on(opts.tls ? "secureConnection" : "connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** Registers a handler; `pattern` segments starting with ":" are parameters. Chainable. */
  route(method: string, pattern: string, handler: SimHandler): this {
    const normalized = normalizePath(pattern);
    const upper = method.toUpperCase();
    this.routes.push({
      method: upper,
      pattern: normalized,
      key: `${upper} ${normalized}`,
      segments: normalized.split("/").filter(Boolean),
      handler,
    });
    return this;
  }

  /**
   * Starts listening; resolves to the base URL ("http://127.0.0.1:PORT"). After stop(), start()
   * listens again on the same port (a vendor system "coming back"), so the URL does not change.
   */
  async start(): Promise<string> {
    if (this.server.listening && this.baseUrl) return this.baseUrl;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    const host = this.opts.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port ?? this.lastPort ?? 0, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.lastPort = port;
    this.baseUrl = `${this.opts.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return this.baseUrl;
  }

  /** Stops accepting, aborts held handlers and destroys open sockets. Idempotent; `url` stays readable. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error("server stopping"));
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.opts.name ?? "sim"} server not started`);
    return this.baseUrl;
  }

  get port(): number {
    if (this.lastPort === undefined) throw new Error(`${this.opts.name ?? "sim"} server not started`);
    return this.lastPort;
  }

  get running(): boolean {
    return this.server.listening;
  }

  /**
   * Requests received (faulted ones included). No key or "*": all; "POST /x/:id": by route
   * pattern; "POST /x/42": by concrete path; "POST *": by method.
   */
  requestCount(routeKey?: string): number {
    if (routeKey === undefined || routeKey.trim() === "*") return this.total;
    const [method = "", path = ""] = routeKey.trim().split(/\s+/, 2);
    return this.counts.get(`${method.toUpperCase()} ${normalizePath(path)}`) ?? 0;
  }

  /** Log entries for a route key (same forms as requestCount), oldest first. */
  requests(routeKey?: string): SimLogEntry[] {
    if (routeKey === undefined || routeKey.trim() === "*") return [...this.log];
    const [m = "", p = ""] = routeKey.trim().split(/\s+/, 2);
    const method = m.toUpperCase();
    const path = normalizePath(p);
    return this.log.filter(
      (e) => e.method === method && (path === "*" || e.route === `${method} ${path}` || e.path === path),
    );
  }

  /** Clears the log and every counter. */
  resetLog(): void {
    this.log.length = 0;
    this.counts.clear();
    this.total = 0;
  }

  private match(
    method: string,
    path: string,
  ): { route?: RouteEntry; params: Record<string, string>; allowed: string[] } {
    const parts = path.split("/").filter(Boolean);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params, allowed };
      if (!allowed.includes(route.method)) allowed.push(route.method);
    }
    return { params: {}, allowed };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://placeholder");
    const path = normalizePath(decodePathSafe(url.pathname));
    const { route, params, allowed } = this.match(method, path);
    const headers = flattenHeaders(req.headers);
    const entry = this.record(method, path, url.search.slice(1), route?.key ?? null, headers);

    const aborter = new AbortController();
    const onStop = (): void => aborter.abort(new Error("server stopping"));
    this.stopping.signal.addEventListener("abort", onStop, { once: true });
    res.on("close", () => {
      this.stopping.signal.removeEventListener("abort", onStop);
      if (!res.writableFinished) aborter.abort(new Error("client disconnected"));
    });

    const maxBody = this.opts.maxBodyBytes ?? 16 * 1024 * 1024;
    const rawBody = await readBody(req, maxBody);
    const scheme = this.opts.tls ? "https" : "http";
    const simReq: SimRequest = {
      method,
      path,
      routeKey: route?.key ?? null,
      params,
      query: url.searchParams,
      headers,
      body: undefined,
      rawBody: rawBody ?? Buffer.alloc(0),
      clock: this.clock,
      signal: aborter.signal,
      baseUrl: `${scheme}://${headers["host"] ?? new URL(this.url).host}`,
      remoteAddress: req.socket.remoteAddress ?? "",
    };
    if (rawBody === undefined)
      return this.send(res, entry, { status: 413, body: { error: "body too large" } });
    if (rawBody.length > 0) {
      try {
        simReq.body = JSON.parse(rawBody.toString("utf8"));
      } catch (err) {
        simReq.bodyError = err instanceof Error ? err : new Error(String(err));
      }
    }

    const fault = this.faults.take({ method, path, pattern: route?.pattern ?? null });
    if (fault) entry.fault = describeFault(fault);
    if (fault?.delayMs) await realDelay(fault.delayMs, aborter.signal);
    if (aborter.signal.aborted) return void res.destroy();
    if (fault?.reset) return this.reset(res, entry);
    if (fault?.status !== undefined) {
      const body = fault.body !== undefined ? fault.body : this.opts.faultBody?.(fault.status, simReq);
      return this.send(res, entry, {
        status: fault.status,
        headers: fault.headers,
        body: body ?? { error: "injected fault" },
      });
    }

    let response: SimResponse;
    try {
      if (route) response = await route.handler(simReq);
      else if (this.opts.notFound) response = this.opts.notFound(simReq, { allowedMethods: allowed });
      else if (allowed.length)
        response = {
          status: 405,
          headers: { allow: allowed.join(", ") },
          body: { error: "method not allowed" },
        };
      else response = { status: 404, body: { error: "not found", method, path } };
    } catch (err) {
      if (err instanceof SimHttpError)
        response = { status: err.status, headers: err.headers, body: err.body };
      else
        response = this.opts.onError?.(err, simReq) ?? {
          status: 500,
          body: { error: err instanceof Error ? err.message : String(err) },
        };
    }
    if (aborter.signal.aborted) return void res.destroy();
    if (fault?.resetAfterHandling) return this.reset(res, entry);
    this.send(res, entry, response);
  }

  private record(
    method: string,
    path: string,
    query: string,
    routeKey: string | null,
    headers: Record<string, string>,
  ): SimLogEntry {
    this.total += 1;
    const keys = new Set([`${method} ${path}`, `${method} *`]);
    if (routeKey) keys.add(routeKey);
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const entry: SimLogEntry = {
      seq: ++this.seq,
      method,
      path,
      query,
      route: routeKey,
      status: 0,
      reset: false,
      headers: this.redact(headers),
      at: this.clock.now(),
    };
    this.log.push(entry);
    const max = this.opts.maxLogEntries ?? 10_000;
    if (this.log.length > max) this.log.splice(0, this.log.length - max);
    return entry;
  }

  private redact(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = SENSITIVE_HEADER.test(name) || this.opts.redactHeader?.(name) ? "***" : value;
    }
    return out;
  }

  private send(res: http.ServerResponse, entry: SimLogEntry, response: SimResponse): void {
    const headers: Record<string, string> = {};
    let payload: Buffer | undefined;
    const body = response.body;
    if (Buffer.isBuffer(body)) {
      payload = body;
      headers["content-type"] = "application/octet-stream";
    } else if (typeof body === "string") {
      payload = Buffer.from(body, "utf8");
      headers["content-type"] = "text/plain; charset=utf-8";
    } else if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body), "utf8");
      headers["content-type"] = "application/json";
    }
    for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
    headers["content-length"] = String(payload?.length ?? 0);
    entry.status = response.status;
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  private reset(res: http.ServerResponse, entry: SimLogEntry): void {
    entry.reset = true;
    const socket = res.socket as (Socket & { resetAndDestroy?: () => void }) | null;
    if (!socket) return;
    try {
      if (socket.resetAndDestroy) socket.resetAndDestroy();
      else socket.destroy();
    } catch {
      socket.destroy();
    }
  }
}
