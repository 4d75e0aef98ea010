/**
 * The plumbing every NSE route shares: paths registered under the base path ("/api" by default,
 * so route keys read "POST /api/v2.1/fileshares"), the clock settled before each handler,
 * Bearer authentication (auth.ts), a JSON body check, and NseError rendered in the envelope.
 * Unknown paths → 404, wrong method → 405 with Allow, injected status faults → the envelope.
 */
import type { SimRequest, SimResponse, SimServer } from "../framework";
import { errorAnswer, errorBody, NseError, badRequest } from "./envelope";
import type { Json, UserRecord } from "./models";
import type { NseState } from "./state";

export interface Ctx {
  req: SimRequest;
  state: NseState;
  /** The caller (undefined on the sign-in route). */
  user: UserRecord;
  /** The JSON body as an object ({} when empty); 400 when not a JSON object. */
  body(): Json;
}

export type NseHandler = (ctx: Ctx) => SimResponse;

export class NseRouter {
  constructor(
    private readonly server: SimServer,
    readonly state: NseState,
  ) {}

  /** `path` starts at /v2.1; `auth: false` for sign-in. */
  add(method: string, path: string, handler: NseHandler, opts: { auth?: boolean } = {}): this {
    const state = this.state;
    const shape = state.options.errorBodies ?? "envelope";
    this.server.route(method, state.basePath + path, (req) => {
      try {
        state.settle();
        const user =
          opts.auth === false
            ? (undefined as unknown as UserRecord)
            : state.auth.authenticate(req.headers["authorization"]);
        const ctx: Ctx = {
          req,
          state,
          user,
          body: () => {
            if (req.bodyError) throw badRequest("The request body is not valid JSON.");
            if (req.body === undefined) return {};
            if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body))
              throw badRequest("The request body must be a JSON object.");
            return req.body as Json;
          },
        };
        return handler(ctx);
      } catch (err) {
        if (err instanceof NseError) return errorAnswer(err, shape);
        throw err;
      }
    });
    return this;
  }

  notFound(req: SimRequest, allowed: string[]): SimResponse {
    const shape = this.state.options.errorBodies ?? "envelope";
    if (allowed.length)
      return {
        status: 405,
        headers: { allow: allowed.join(", ") },
        body: errorBody(405, "Method not allowed.", `${req.method} is not supported on ${req.path}.`, shape),
      };
    return errorAnswer(new NseError(404, `No API at ${req.path}.`), shape);
  }

  faultBody(status: number): unknown {
    const shape = this.state.options.errorBodies ?? "envelope";
    const text = status >= 500 ? "Internal server error." : `HTTP ${status}.`;
    return errorBody(status, text, "Injected fault.", shape);
  }

  errorBody(err: unknown): SimResponse {
    const shape = this.state.options.errorBodies ?? "envelope";
    return {
      status: 500,
      body: errorBody(500, "Internal server error.", err instanceof Error ? err.message : String(err), shape),
    };
  }
}
