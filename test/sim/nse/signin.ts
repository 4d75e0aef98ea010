/**
 * Routes `POST /v2.1/auth/signin` and `POST /v2.1/auth/refresh` (reference A4; the docs' table
 * lists refresh under `/v2.1/auth/password` by mistake). Both answer 200 with records[0] =
 * {user, token} and the docs' "Authentication succeeeded." (sic).
 */
import { signinRecord } from "./auth";
import { oneAnswer } from "./envelope";
import type { NseRouter } from "./router";

const SIGNED_IN = "Authentication succeeeded.";

export function installSigninRoutes(router: NseRouter): void {
  router.add(
    "POST",
    "/v2.1/auth/signin",
    (ctx) => {
      const body = ctx.body();
      const { user, token } = ctx.state.auth.signin(body["username"], body["password"]);
      return oneAnswer(signinRecord(user, token), 200, SIGNED_IN);
    },
    { auth: false },
  );
  router.add("POST", "/v2.1/auth/refresh", (ctx) => {
    const token = ctx.state.auth.refresh(ctx.user);
    return oneAnswer(signinRecord(ctx.user, token), 200, SIGNED_IN);
  });
}
