/**
 * The response envelope on every NSE answer (reference A3): `{status: {user_message,
 * verbose_message, code}, result: {...}}`; lists carry paging fields, single objects come back as
 * `records[0]`, a 202 carries the job. Errors: `NseError`, rendered in the same envelope with an
 * empty result (UNCONFIRMED: the docs show no error body; `errorBodies` gives other shapes).
 */
import type { SimResponse } from "../framework";
import type { NseErrorBodies } from "./modes";

export interface Paging {
  offset: number;
  limit: number;
  sort_by: string;
  order_by: "asc" | "desc";
}

function returned(n: number): string {
  return `Okay. Returned ${n} record${n === 1 ? "" : "s"}.`;
}

export function status(code: number, user_message: string, verbose_message = ""): object {
  return { user_message, verbose_message, code };
}

/** A list answer: the page plus its paging fields (seed 003, `GET /v2.1/jobs`). */
export function listAnswer(page: unknown[], total: number, paging: Paging): SimResponse {
  return {
    status: 200,
    body: {
      status: status(200, returned(page.length)),
      result: {
        returned_records: page.length,
        total_records: total,
        sort_by: paging.sort_by,
        order_by: paging.order_by,
        offset: paging.offset,
        limit: paging.limit,
        records: page,
      },
    },
  };
}

/** One object as records[0] (seed 003, `GET /v2.1/jobs/{id}`). */
export function oneAnswer(record: unknown, code = 200, message = returned(1)): SimResponse {
  return {
    status: code,
    body: { status: status(code, message), result: { total_records: 1, records: [record] } },
  };
}

/** 202 with the job as records[0] (reference A3, A5). */
export function acceptedAnswer(job: unknown): SimResponse {
  return oneAnswer(job, 202, "Okay. Accepted for processing.");
}

const USER_MESSAGES: Record<number, string> = {
  400: "Bad request.",
  401: "Unauthorized.",
  403: "Forbidden.",
  404: "Not found.",
  405: "Method not allowed.",
  412: "Precondition failed.",
  500: "Internal server error.",
};

/** Thrown by handlers; rendered by `errorAnswer`. */
export class NseError extends Error {
  constructor(
    readonly code: number,
    readonly verbose: string,
    readonly userMessage = USER_MESSAGES[code] ?? `HTTP ${code}.`,
    readonly headers?: Record<string, string>,
  ) {
    super(`${code} ${userMessage} ${verbose}`);
    this.name = "NseError";
  }
}

export const badRequest = (verbose: string): NseError => new NseError(400, verbose);
export const notFound = (what: string): NseError => new NseError(404, `${what} not found.`);
export const precondition = (verbose: string): NseError => new NseError(412, verbose);

export function errorBody(
  code: number,
  userMessage: string,
  verbose: string,
  shape: NseErrorBodies,
): unknown {
  if (shape === "text") return `${code} ${userMessage} ${verbose}`.trim();
  const s = status(code, userMessage, verbose);
  return shape === "status-only" ? { status: s } : { status: s, result: { total_records: 0, records: [] } };
}

export function errorAnswer(err: NseError, shape: NseErrorBodies): SimResponse {
  return {
    status: err.code,
    headers: err.headers,
    body: errorBody(err.code, err.userMessage, err.verbose, shape),
  };
}
