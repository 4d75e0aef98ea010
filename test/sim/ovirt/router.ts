/**
 * The API plumbing every route shares: which dialect a request speaks (URL prefix, then the
 * `Version` header, then the mode's default; reference §1.1, §2), authentication (auth.ts),
 * `Correlation-Id` (kept to [0-9a-zA-Z_-], 36 characters, generated when absent, echoed;
 * reference §1.7), matrix parameters (`/vms;max=10`, `cdroms/{id};current`), settling the clock
 * before the handler runs, and rendering faults in the dialect's shape.
 *
 * Each route is registered under every API prefix (/ovirt-engine/api, /ovirt-engine/api/v3,
 * /ovirt-engine/api/v4, /api), so request-log and fault route keys read
 * "POST /ovirt-engine/api/vms/:id/start". A path with matrix parameters does not match a
 * registered route segment; it is dispatched here through the server's `notFound` hook, so its
 * log entry has no route key (faults on it need a concrete path, "METHOD *" or "*").
 */
import { randomUUID } from "node:crypto";
import type { SimRequest, SimResponse, SimServer } from "../framework";
import { SimHttpError } from "../framework";
import { matchSegments } from "../http-util";
import type { Caller } from "./auth";
import { Codec, obj, type Json } from "./codec";
import { CodecV3 } from "./codec-v3";
import { CodecV4 } from "./codec-v4";
import type { OvirtState } from "./engine-state";
import { actionAndType, EngineFault, MSG, NotFound, syntaxError } from "./errors";
import { ALL_PREFIXES } from "./modes";
import type { Dialect } from "./models";

export interface Ctx {
  req: SimRequest;
  state: OvirtState;
  codec: Codec;
  dialect: Dialect;
  /** Path parameters, matrix parameters stripped. */
  params: Record<string, string>;
  caller: Caller;
  correlationId: string;
  /** Query parameter, then matrix parameter (reference §1.7 "Parameter lookup"). */
  param(name: string): string | undefined;
  /** Matrix parameter only (v3 `max`, `current`). */
  matrix(name: string): string | undefined;
  /** The JSON body as an object ({} when empty); bad JSON → 400 "Request syntactically incorrect." */
  body(): Json;
}

export type OvirtHandler = (ctx: Ctx) => SimResponse | Promise<SimResponse>;

interface RouteDef {
  method: string;
  path: string;
  handler: OvirtHandler;
  dialects?: readonly Dialect[];
  /** An action (`POST /vms/{id}/start`): failures use the action fault body. */
  action: boolean;
  /** For the apidoc link of "Request syntactically incorrect." ("vm/methods/start"). */
  service: string;
}

export interface RouteOptions {
  dialects?: readonly Dialect[];
  action?: boolean;
  service?: string;
}

const VERSION_PREFIX = /^\/ovirt-engine\/api\/v([34])$/;

export class OvirtRouter {
  private readonly defs: Array<RouteDef & { prefix: string; segments: string[] }> = [];

  constructor(private readonly state: OvirtState) {}

  add(method: string, path: string, handler: OvirtHandler, opts: RouteOptions = {}): this {
    const parts = path.split("/").filter(Boolean);
    const literal = parts.filter((p) => !p.startsWith(":"));
    const last = literal[literal.length - 1] ?? "api";
    const service =
      opts.service ?? `${literal.slice(0, -1).join("/") || last}/methods/${method.toLowerCase()}`;
    for (const prefix of ALL_PREFIXES) {
      const full = prefix + path;
      this.defs.push({
        method: method.toUpperCase(),
        path,
        handler,
        dialects: opts.dialects,
        action: opts.action ?? false,
        service,
        prefix,
        segments: full.split("/").filter(Boolean),
      });
    }
    return this;
  }

  install(server: SimServer): void {
    for (const def of this.defs) server.route(def.method, def.prefix + def.path, (req) => this.run(def, req));
  }

  /** notFound hook: matrix-parameter paths are dispatched here; others get 404 / 405. */
  notFound(req: SimRequest, allowedMethods: string[]): SimResponse {
    if (req.path.includes(";")) {
      const parts = req.path
        .split("/")
        .filter(Boolean)
        .map((p) => p.split(";")[0]!);
      for (const def of this.defs) {
        if (def.method !== req.method) continue;
        const params = matchSegments(def.segments, parts);
        if (!params) continue;
        const result = this.run(def, req);
        if (result instanceof Promise)
          return { status: 500, body: { error: "sim: asynchronous handler behind a matrix path" } };
        return result;
      }
    }
    if (allowedMethods.length) return { status: 405, headers: { allow: allowedMethods.join(", ") } };
    return { status: 404 };
  }

  private run(def: RouteDef & { prefix: string }, req: SimRequest): SimResponse | Promise<SimResponse> {
    const state = this.state;
    const headers: Record<string, string> = {};
    let caller: Caller | undefined;
    const finish = (response: SimResponse): SimResponse => {
      if (caller?.setCookie) {
        const path = def.prefix === "/api" ? "/api" : "/ovirt-engine/api";
        headers["Set-Cookie"] = `JSESSIONID=${caller.setCookie}; Path=${path}; HttpOnly`;
      }
      if (caller?.closeSession) state.auth.closeSession(caller.closeSession);
      return { ...response, headers: { ...headers, ...response.headers } };
    };
    let dialect: Dialect;
    let codec: Codec;
    try {
      dialect = this.dialectOf(def.prefix, req);
      const accept = req.headers["accept"] ?? "";
      if (/xml/i.test(accept) && !/json|\*\/\*/i.test(accept))
        return { status: 406, body: "the simulator serves JSON only" };
      caller = state.auth.authenticate(req, state.info.sso);
      const correlationId = correlationOf(req, dialect);
      headers["Correlation-Id"] = correlationId;
      codec =
        dialect === "v4"
          ? new CodecV4(def.prefix, state.info.longsAsStrings, state.options.emptyCollections ?? "omit")
          : new CodecV3(def.prefix, state.info.longsAsStrings, state.options.emptyCollections ?? "omit");
      if (def.dialects && !def.dialects.includes(dialect)) return finish({ status: 404 });
      state.settle();
      const matrixMap = matrixOf(req.path);
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.params)) params[k] = v.split(";")[0]!;
      if (!Object.keys(req.params).length) {
        const parts = req.path
          .split("/")
          .filter(Boolean)
          .map((p) => p.split(";")[0]!);
        Object.assign(params, matchSegments(this.segmentsOf(def), parts) ?? {});
      }
      const ctx: Ctx = {
        req,
        state,
        codec,
        dialect,
        params,
        caller,
        correlationId,
        param: (name) => req.query.get(name) ?? matrixMap.get(name),
        matrix: (name) => matrixMap.get(name),
        body: () => {
          if (req.bodyError) throw syntaxError(req.headers["host"] ?? "engine", def.service);
          if (req.body === undefined) return {};
          const o = obj(req.body);
          if (!o) throw syntaxError(req.headers["host"] ?? "engine", def.service);
          return o;
        },
      };
      const out = def.handler(ctx);
      if (out instanceof Promise)
        return out.then(finish, (err: unknown) => finish(this.failure(err, def, codec)));
      return finish(out);
    } catch (err) {
      return finish(this.failure(err, def, codec!));
    }
  }

  private segmentsOf(def: RouteDef & { prefix: string }): string[] {
    return (def.prefix + def.path).split("/").filter(Boolean);
  }

  private failure(err: unknown, def: RouteDef, codec: Codec | undefined): SimResponse {
    if (err instanceof NotFound) return { status: 404 };
    if (err instanceof SimHttpError) return { status: err.status, headers: err.headers, body: err.body };
    if (err instanceof EngineFault) {
      if (def.action && codec) return { status: err.status, body: codec.actionFault(err.reason, err.detail) };
      return { status: err.status, body: { reason: err.reason, detail: err.detail } };
    }
    const message = err instanceof Error ? err.message : String(err);
    return {
      status: 500,
      body: { reason: "Operation Failed", detail: `[Internal Engine Error: ${message}]` },
    };
  }

  /** Prefix, then `Version` header, then the mode's default (reference §1.1, §2). */
  private dialectOf(prefix: string, req: SimRequest): Dialect {
    const info = this.state.info;
    const fromPrefix = VERSION_PREFIX.exec(prefix)?.[1];
    if (!info.prefixes.includes(prefix)) {
      // a 4.x engine reads /v3 and /v4 itself (unsupported → bare 400); other prefixes do not exist
      if (fromPrefix && info.version.major >= 4) throw new SimHttpError(400);
      throw new SimHttpError(404);
    }
    const header = req.headers["version"]?.trim();
    const wanted = fromPrefix ?? header;
    if (wanted === undefined || wanted === "") return info.defaultDialect;
    const dialect = wanted === "4" ? "v4" : wanted === "3" ? "v3" : undefined;
    if (!dialect || !info.dialects.includes(dialect)) throw new SimHttpError(400);
    return dialect;
  }
}

/** `;k=v` and bare `;k` (value "") of every segment. */
function matrixOf(path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const segment of path.split("/")) {
    const [, ...pairs] = segment.split(";");
    for (const pair of pairs) {
      const eq = pair.indexOf("=");
      if (eq < 0) out.set(pair, "");
      else out.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return out;
}

/** Header `Correlation-Id`, or (v4 only) query `correlation_id`; sanitized; else a new UUID. */
function correlationOf(req: SimRequest, dialect: Dialect): string {
  const raw =
    req.headers["correlation-id"] ?? (dialect === "v4" ? (req.query.get("correlation_id") ?? "") : "");
  const clean = raw.replace(/[^0-9a-zA-Z_-]/g, "").slice(0, 36);
  return clean || randomUUID();
}

/**
 * Body for a status fault injected through `server.faults` without a body: the engine's shape
 * for the route (409 → "Related operation is currently in progress", 500 → internal error,
 * 401/404 → empty).
 */
export function injectedFaultBody(status: number, req: SimRequest, defaultDialect: Dialect): unknown {
  if (status === 401 || status === 404) return "";
  const [action, type] = actionAndType(req.method, req.routeKey?.split(" ")[1] ?? req.path);
  const detail =
    status === 409
      ? `[${MSG.relatedInProgress(action, type)}]`
      : status >= 500
        ? "[Internal Engine Error]"
        : `[Cannot ${action} ${type}.]`;
  const isAction =
    req.method === "POST" &&
    /\/(start|stop|shutdown|reboot|suspend|activate|deactivate|approve)$/.test(req.path.split(";")[0]!);
  if (!isAction) return { reason: "Operation Failed", detail };
  const v3 =
    /\/v3(\/|$)/.test(req.path) ||
    req.headers["version"]?.trim() === "3" ||
    (defaultDialect === "v3" && !/\/v4(\/|$)/.test(req.path) && req.headers["version"]?.trim() !== "4");
  return v3
    ? { status: { state: "failed" }, fault: { reason: "Operation Failed", detail } }
    : { status: "failed", fault: { reason: "Operation Failed", detail } };
}
