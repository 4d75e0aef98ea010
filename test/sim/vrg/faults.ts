/**
 * How the simulated VRG answers what is not an API object (seed 001 §2.1.4): the bodies of
 * injected status faults, unknown paths (404), wrong methods (405 + Allow) and unexpected errors
 * (500), all `{errorCode: "10440000"}`; and `injectVrgError`, a framework fault answering any seed
 * code on a route.
 */
import type { Fault, FaultSpec, SimServer, SimServerOptions } from "../framework";
import { VRG_ERRORS, VRG_ERRORS_BY_CODE, vrgErrorBody } from "./errors";

/** The SimServer hooks of a VRG (faultBody, notFound, onError). */
export function vrgServerHooks(): Pick<SimServerOptions, "faultBody" | "notFound" | "onError"> {
  return {
    faultBody: (status, req) =>
      vrgErrorBody(VRG_ERRORS.internal, req.headers["accept-language"], `injected HTTP ${status}`),
    notFound: (req, { allowedMethods }) =>
      allowedMethods.length > 0
        ? {
            status: 405,
            headers: { Allow: allowedMethods.join(", ") },
            body: vrgErrorBody(VRG_ERRORS.internal, req.headers["accept-language"], "method not allowed"),
          }
        : {
            status: 404,
            body: vrgErrorBody(VRG_ERRORS.internal, req.headers["accept-language"], "resource not found"),
          },
    onError: (err, req) => ({
      status: 500,
      body: vrgErrorBody(
        VRG_ERRORS.internal,
        req.headers["accept-language"],
        err instanceof Error ? err.message : String(err),
      ),
    }),
  };
}

/**
 * Adds a framework fault answering `{errorCode: code}` with the code's status (any seed code) on
 * a route key such as "POST /vrgservice/vmstrategy". Default once.
 */
export function injectVrgError(
  server: SimServer,
  route: string,
  code: string,
  opts: Omit<FaultSpec, "route" | "status" | "body"> = {},
): Fault {
  const def = VRG_ERRORS_BY_CODE[code];
  if (!def) throw new Error(`injectError: ${code} is not a seed 001 error code`);
  return server.faults.add({ ...opts, route, status: def.status, body: vrgErrorBody(def) });
}
