/**
 * HTTP mapping of the embedded Configuration Manager REST API onto a HitachiArray.
 * Every handler first settles due jobs (fabric-wide), so state is exactly "as of clock.now()".
 */
import {
  isoSeconds,
  SimHttpError,
  waitUntil,
  type SimRequest,
  type SimResponse,
  type SimServer,
} from "../framework";
import type { HitachiArray } from "./array";
import { BASE_PATH } from "./paths";
import { hitachiError, KART, type KartDefinition } from "./errors";
import type { HitachiJob, JobRequest } from "./jobs";

const SESSION_CHALLENGE = 'Session realm="Block storage"';
const BASIC_CHALLENGE = 'Basic realm="Block storage"';

interface Caller {
  userId: string;
}

export function installHitachiRoutes(server: SimServer, array: HitachiArray): void {
  const route = (
    method: string,
    path: string,
    handler: (req: SimRequest) => SimResponse | Promise<SimResponse>,
  ): void => {
    server.route(method, BASE_PATH + path, (req) => {
      array.settle();
      return handler(req);
    });
  };

  // ---- discovery (no auth) ------------------------------------------------------------------
  route("GET", "/configuration/version", () =>
    ok({ productName: "Configuration Manager REST API", apiVersion: array.apiVersion }),
  );
  route("GET", "/v1/objects/storages", () => ok({ data: [array.storageInfo()] }));
  route("GET", "/v1/objects/storages/instance", () => ok(array.storageInfo()));
  route("GET", "/v1/objects/storages/:storageDeviceId", (req) => {
    if (req.params["storageDeviceId"] !== array.storageDeviceId) fail(KART.notFound, req);
    return ok(array.storageInfo());
  });

  // ---- sessions -----------------------------------------------------------------------------
  route("POST", "/v1/objects/sessions", (req) => {
    const basic = parseBasic(req.headers["authorization"]);
    if (!basic || !array.checkPassword(basic.user, basic.password)) {
      array.sessions.counters.failedLogins += 1;
      fail(KART.authenticationFailed, req, { "WWW-Authenticate": BASIC_CHALLENGE });
    }
    const body = objectBody(req, true);
    const aliveTime = intInRange(req, body, "aliveTime", 1, 300) ?? 300;
    intInRange(req, body, "authenticationTimeout", 1, 900); // validated, only used with external auth
    const session = array.sessions.create(basic.user, aliveTime, req.remoteAddress);
    if (!session) {
      const retryAfter = array.options.sessionCapRetryAfterSec;
      fail(KART.sessionLimit, req, retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) });
    }
    return ok({ token: session.token, sessionId: session.sessionId });
  });
  route("GET", "/v1/objects/sessions", (req) => {
    authenticate(req);
    return ok({ data: array.sessions.live().map(sessionView) });
  });
  route("GET", "/v1/objects/sessions/:sessionId", (req) => {
    authenticate(req);
    const session = array.sessions.byId(Number(req.params["sessionId"]));
    if (!session) fail(KART.notFound, req);
    return ok(sessionView(session));
  });
  route("DELETE", "/v1/objects/sessions/:sessionId", (req) => {
    const caller = authenticate(req);
    const body = objectBody(req, true);
    const session = array.sessions.byId(Number(req.params["sessionId"]));
    if (!session) fail(KART.notFound, req);
    if (session.userId !== caller.userId && body["force"] !== true) fail(KART.forbidden, req);
    array.sessions.discard(session);
    // Synchronous (reference §1.3). The body shape is UNCONFIRMED: a completed job object.
    const job = array.jobs.createCompleted(caller.userId, jobRequest(req), [req.path]);
    return ok(array.jobs.view(job));
  });

  // ---- remote storages ----------------------------------------------------------------------
  route("GET", "/v1/objects/remote-storages", (req) => {
    authenticate(req);
    return ok({ data: array.remoteStorageList() });
  });
  route("GET", "/v1/objects/remote-storages/:storageDeviceId", (req) => {
    authenticate(req);
    const record = array.remoteStorage(req.params["storageDeviceId"] ?? "");
    if (!record) fail(KART.notFound, req);
    return ok(record);
  });
  route("POST", "/v1/objects/remote-storages", async (req) => {
    const caller = authenticate(req);
    const remoteToken = remoteSessionToken(req);
    const body = objectBody(req, false);
    const storageDeviceId = requiredString(req, body, "storageDeviceId");
    const restServerIp = requiredString(req, body, "restServerIp");
    const restServerPort = intInRange(req, body, "restServerPort", 1, 65535);
    if (restServerPort === undefined) fail(KART.invalidParameter, req, {}, "restServerPort is required.");
    const isMutualDiscovery = optionalBoolean(req, body, "isMutualDiscovery") ?? false; // API default UNCONFIRMED
    if (remoteToken === undefined) fail(KART.remoteAuthorizationMissing, req);
    if (storageDeviceId === array.storageDeviceId) {
      fail(KART.invalidParameter, req, {}, "storageDeviceId is the local storage system.");
    }
    if (array.isRegistered(storageDeviceId)) fail(KART.alreadyRegistered, req);
    const job = array.registerRemoteJob({
      userId: caller.userId,
      request: jobRequest(req),
      storageDeviceId,
      restServerIp,
      restServerPort,
      isMutualDiscovery,
      remoteToken,
    });
    return accepted(req, job);
  });
  route("DELETE", "/v1/objects/remote-storages/:storageDeviceId", async (req) => {
    const caller = authenticate(req);
    const storageDeviceId = req.params["storageDeviceId"] ?? "";
    const body = objectBody(req, true);
    const isMutualDeletion = optionalBoolean(req, body, "isMutualDeletion") ?? false; // API default UNCONFIRMED
    const remoteToken = remoteSessionToken(req);
    if (storageDeviceId === array.storageDeviceId) fail(KART.cannotDeleteLocal, req);
    if (!array.isRegistered(storageDeviceId)) fail(KART.notFound, req);
    const needsRemote = isMutualDeletion || array.options.deleteRequiresRemoteAuthorization === true;
    if (needsRemote && remoteToken === undefined) fail(KART.remoteAuthorizationMissing, req);
    const job = array.deleteRemoteJob({
      userId: caller.userId,
      request: jobRequest(req),
      storageDeviceId,
      isMutualDeletion,
      remoteToken,
    });
    return accepted(req, job);
  });

  // ---- jobs ---------------------------------------------------------------------------------
  route("GET", "/v1/objects/jobs", (req) => {
    authenticate(req);
    // The job list is UNCONFIRMED (seed 000 only GETs jobs by id): model an array without it.
    if (array.options.jobList === "absent") fail(KART.notFound, req);
    if (array.options.jobList === "forbidden") fail(KART.forbidden, req);
    const count = Number(req.query.get("count") ?? "100");
    return ok({
      data: array.jobs
        .list()
        .slice(0, Number.isFinite(count) && count > 0 ? count : 100)
        .map((j) => array.jobs.view(j)),
    });
  });
  route("GET", "/v1/objects/jobs/:jobId", (req) => {
    authenticate(req);
    const job = array.jobs.get(Number(req.params["jobId"]));
    if (!job) fail(KART.notFound, req);
    return ok(array.jobs.view(job));
  });

  // ---- helpers bound to this array ----------------------------------------------------------

  /** `Authorization: Session <token>` (refreshes the idle timer) or per-request Basic credentials. */
  function authenticate(req: SimRequest): Caller {
    const header = req.headers["authorization"] ?? "";
    const basic = parseBasic(header);
    if (basic) {
      if (array.checkPassword(basic.user, basic.password)) return { userId: basic.user };
      fail(KART.authenticationFailed, req, { "WWW-Authenticate": BASIC_CHALLENGE });
    }
    const token = parseSession(header);
    const session = token === undefined ? undefined : array.sessions.use(token);
    if (!session) fail(KART.tokenInvalid, req, { "WWW-Authenticate": SESSION_CHALLENGE });
    return { userId: session.userId };
  }

  /**
   * 202 with the job object. With `Response-Job-Status: Completed`, holds the answer until the job
   * completes or `Response-Max-Wait` seconds of clock time pass, for at most maxHoldRealMs real ms.
   */
  async function accepted(req: SimRequest, job: HitachiJob): Promise<SimResponse> {
    const wantsCompleted = /^\s*completed\b/i.test(req.headers["response-job-status"] ?? "");
    const maxHoldRealMs = array.options.maxHoldRealMs ?? 0;
    if (wantsCompleted && maxHoldRealMs > 0) {
      const maxWaitSec = Number.parseInt(req.headers["response-max-wait"] ?? "", 10);
      const deadline = Number.isFinite(maxWaitSec) ? array.clock.now() + maxWaitSec * 1000 : Infinity;
      await waitUntil(
        () => {
          array.settle();
          return job.outcome !== undefined || array.clock.now() >= deadline;
        },
        { clock: array.clock, maxRealMs: maxHoldRealMs, signal: req.signal },
      );
    }
    array.settle();
    return { status: 202, body: array.jobs.view(job) };
  }
}

// ---- request parsing (throw SimHttpError with a KART body) --------------------------------------

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

function fail(
  definition: KartDefinition,
  req: SimRequest,
  headers: Record<string, string> = {},
  detail?: string,
): never {
  const body = hitachiError(
    definition,
    req.path,
    detail ? { message: `${definition.message} (${detail})` } : {},
  );
  throw new SimHttpError(definition.status, body, headers);
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function parseSession(header: string | undefined): string | undefined {
  const match = /^Session\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

function remoteSessionToken(req: SimRequest): string | undefined {
  return parseSession(req.headers["remote-authorization"]);
}

function objectBody(req: SimRequest, optional: boolean): Record<string, unknown> {
  if (req.bodyError) fail(KART.invalidParameter, req, {}, "the request body is not valid JSON.");
  if (req.body === undefined && optional) return {};
  if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
    fail(KART.invalidParameter, req, {}, "the request body must be a JSON object.");
  }
  return req.body as Record<string, unknown>;
}

function requiredString(req: SimRequest, body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value.length === 0)
    fail(KART.invalidParameter, req, {}, `${name} is required.`);
  return value;
}

function intInRange(
  req: SimRequest,
  body: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(KART.invalidParameter, req, {}, `${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function optionalBoolean(req: SimRequest, body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") fail(KART.invalidParameter, req, {}, `${name} must be true or false.`);
  return value;
}

function jobRequest(req: SimRequest): JobRequest {
  return {
    requestUrl: `${req.baseUrl}${req.path}`,
    requestMethod: req.method,
    requestBody: req.rawBody.length ? req.rawBody.toString("utf8") : "",
  };
}

function sessionView(s: {
  sessionId: number;
  userId: string;
  ipAddress: string;
  createdAt: number;
  lastAccessAt: number;
}) {
  // Field names UNCONFIRMED.
  return {
    sessionId: s.sessionId,
    userId: s.userId,
    ipAddress: s.ipAddress,
    createdTime: isoSeconds(s.createdAt),
    lastAccessTime: isoSeconds(s.lastAccessAt),
  };
}
