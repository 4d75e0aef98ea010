/**
 * HTTP mapping of the VRG `/vrgservice` interface (seed 001 §3) onto a VrgSim's API objects
 * (session, trapinfo, system, vrgmap, vmstrategy).
 * Every handler settles due state first, so answers are exactly "as of clock.now()".
 * Answers: 200 with a JSON body (or none where the seed says "无响应正文"); errors are
 * `{errorCode, errorDes}` with the code's HTTP status (400 for every seed code).
 */
import type { SimRequest, SimResponse, SimServer } from "../framework";
import { VRG_ERRORS, VrgApiError, vrgErrorBody } from "./errors";
import { WrongKeyStyleError } from "./keys";
import type { VrgToken } from "./sessions";
import { BASE_PATH } from "./paths";
import type { VrgSim } from "./vrg";

const JSON_TYPE = "application/json; charset=UTF-8";

interface Reply {
  /** Canonical camelCase body (converted to the wire style), or undefined for none. */
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (req: SimRequest, token: VrgToken | undefined) => Reply;

export function installVrgRoutes(server: SimServer, vrg: VrgSim): void {
  const route = (method: string, path: string, auth: boolean, handler: Handler): void => {
    server.route(method, BASE_PATH + path, (req) => answer(vrg, req, auth, handler));
  };
  const body = (req: SimRequest): Record<string, unknown> => vrg.readBody(req.body, req.bodyError);
  const vrgmapBody = (req: SimRequest): Record<string, unknown> =>
    vrg.readBody(req.body, req.bodyError, vrg.options.vrgmapKeyStyle ?? vrg.keyStyle);

  // §3.1.1 version list and login entry (no token).
  route("GET", "/versions", false, () => ({ body: vrg.session.versions() }));

  // §3.1.2 login: X-Auth-User, X-Auth-Key = sha256(password) hex; token in the X-Auth-Token header.
  route("POST", "/session", false, (req) => {
    const token = vrg.session.login(req.headers["x-auth-user"], req.headers["x-auth-key"]);
    return { body: vrg.session.loginBody(), headers: { "X-Auth-Token": token.token } };
  });

  // §3.1.3 logout.
  route("DELETE", "/session", true, (_req, token) => {
    vrg.session.logout(token!);
    return {};
  });

  // §3.2 / §3.3 alarm (trap) server.
  route("POST", "/trapinfo", true, (req) => {
    vrg.trapinfo.set(body(req));
    return {};
  });
  route("GET", "/trapinfo", true, () => ({ body: vrg.trapinfo.get() }));

  // §3.4 VRG status, §3.5 networks, §3.6 VM DR status.
  route("GET", "/vrgstatus", true, () => ({ body: vrg.system.statusBody() }));
  route("GET", "/netinfos", true, () => ({ body: vrg.system.netInfosBody() }));
  route("GET", "/vmdrstatus/:vmUuid", true, (req) => ({
    body: vrg.vmstrategy.vmDrStatus(req.params["vmUuid"]!),
  }));

  // §3.7 pairing.
  route("POST", "/vrgmap", true, (req) => {
    vrg.vrgmap.add(vrgmapBody(req));
    return {};
  });
  route("DELETE", "/vrgmap", true, () => {
    vrg.vrgmap.remove();
    return {};
  });
  route("GET", "/vrgmap", true, () => ({ body: vrg.vrgmap.body() }));

  // §3.8 DR strategies. Deletion is a POST on the VM's URI (§3.8.4).
  route("POST", "/vmstrategy", true, (req) => {
    vrg.vmstrategy.set(body(req));
    return {};
  });
  route("GET", "/vmstrategy", true, (req) => ({ body: vrg.vmstrategy.query(req.query) }));
  route("POST", "/vmstrategy/:vmUuid", true, (req) => ({
    body: vrg.vmstrategy.delete(req.params["vmUuid"]!, body(req)),
  }));

  // §3.9 management network change.
  route("POST", "/modmngnet", true, (req) => ({ body: vrg.system.changeManagementNet(body(req)) }));
}

function answer(vrg: VrgSim, req: SimRequest, auth: boolean, handler: Handler): SimResponse {
  const lang = req.headers["accept-language"];
  try {
    vrg.settle();
    let token: VrgToken | undefined;
    const presented = req.headers["x-auth-token"];
    if (auth) {
      token = vrg.sessions.use(presented);
      if (!token) {
        return {
          status: vrg.options.tokenErrorStatus ?? VRG_ERRORS.notLoggedIn.status,
          headers: { "Content-Type": JSON_TYPE },
          body: vrgErrorBody(VRG_ERRORS.notLoggedIn, lang),
        };
      }
    }
    const reply = handler(req, token);
    const headers: Record<string, string> = {};
    // §2.1.2: responses carry the caller's X-Auth-Token.
    if (token) headers["X-Auth-Token"] = token.token;
    Object.assign(headers, reply.headers);
    if (reply.body === undefined) return { status: 200, headers };
    headers["Content-Type"] = JSON_TYPE;
    return { status: 200, headers, body: vrg.wire(reply.body) };
  } catch (err) {
    if (err instanceof VrgApiError) {
      return {
        status: err.definition.status,
        headers: { "Content-Type": JSON_TYPE },
        body: vrgErrorBody(err.definition, lang, err.detail),
      };
    }
    if (err instanceof WrongKeyStyleError) {
      return {
        status: VRG_ERRORS.invalidParameter.status,
        headers: { "Content-Type": JSON_TYPE },
        body: vrgErrorBody(VRG_ERRORS.invalidParameter, lang, err.message),
      };
    }
    throw err;
  }
}
