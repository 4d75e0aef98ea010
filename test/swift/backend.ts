/**
 * Test backend for the Swift resources: a real OpenStack Swift (tempauth) plus a real
 * Keystone v3 with a Keystone-backed Swift proxy.
 *
 * `ensureSwiftBackend()` either takes an existing Swift from the DRPLANE_TEST_* environment
 * variables, or starts the loopback backend with `scripts/swift/swift-loopback.sh start`
 * (root + Debian apt needed) and parses the `export` lines it prints. It never skips: when
 * neither is possible it throws an Error that says how to point the tests at an existing Swift.
 * See docs/swift-backend.md.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

export interface SwiftTestEnv {
  /** "existing": taken from process.env; "loopback": started by scripts/swift/swift-loopback.sh. */
  source: "existing" | "loopback";
  /** Swift v1.0 auth (tempauth): GET authUrl with X-Auth-User / X-Auth-Key. */
  tempauth: { authUrl: string; user: string; key: string };
  /** Keystone v3 password auth; the object-store endpoint comes from the token's catalog. */
  keystone: {
    /** Keystone v3 base URL, e.g. http://127.0.0.1:5000/v3 (POST `${authUrl}/auth/tokens`). */
    authUrl: string;
    username: string;
    userId: string;
    password: string;
    userDomainId: string;
    userDomainName: string;
    projectId: string;
    projectName: string;
    projectDomainId: string;
    projectDomainName: string;
    /** Region of the object-store endpoint in the catalog. */
    region: string;
  };
  /** Unauthenticated capabilities document, e.g. http://127.0.0.1:8080/info */
  infoUrl: string;
  /** Log directory of the loopback backend (undefined for an existing Swift). */
  logDir?: string;
  /** All DRPLANE_TEST_* settings as variables, e.g. to hand to a child process. */
  vars: Record<string, string>;
}

/** Variables that must all be set to use an existing Swift, with an example each. */
export const REQUIRED_VARS: ReadonlyArray<readonly [name: string, example: string]> = [
  ["DRPLANE_TEST_SWIFT_TEMPAUTH_URL", "http://127.0.0.1:8080/auth/v1.0"],
  ["DRPLANE_TEST_SWIFT_TEMPAUTH_USER", "test:tester"],
  ["DRPLANE_TEST_SWIFT_TEMPAUTH_KEY", "testing"],
  ["DRPLANE_TEST_KEYSTONE_URL", "http://127.0.0.1:5000/v3"],
  ["DRPLANE_TEST_KEYSTONE_USERNAME", "drplane-tester"],
  ["DRPLANE_TEST_KEYSTONE_USER_ID", "<user id>"],
  ["DRPLANE_TEST_KEYSTONE_PASSWORD", "drplane-secret"],
  ["DRPLANE_TEST_KEYSTONE_USER_DOMAIN_ID", "<domain id>"],
  ["DRPLANE_TEST_KEYSTONE_USER_DOMAIN_NAME", "drplane-domain"],
  ["DRPLANE_TEST_KEYSTONE_PROJECT_ID", "<project id>"],
  ["DRPLANE_TEST_KEYSTONE_PROJECT_NAME", "drplane-project"],
  ["DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_ID", "<domain id of the project>"],
  ["DRPLANE_TEST_KEYSTONE_REGION", "RegionOne"],
];

/** Optional: INFO_URL defaults to <origin of TEMPAUTH_URL>/info, PROJECT_DOMAIN_NAME to USER_DOMAIN_NAME. */
export const OPTIONAL_VARS: readonly string[] = [
  "DRPLANE_TEST_SWIFT_INFO_URL",
  "DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_NAME",
  "DRPLANE_TEST_SWIFT_LOG_DIR",
];

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(REPO_ROOT, "scripts", "swift", "swift-loopback.sh");
/** First install (apt) takes ~1 min; allow for a slow mirror or a held apt/dpkg lock. */
const START_TIMEOUT_MS = 20 * 60 * 1000;

let cached: Promise<SwiftTestEnv> | undefined;

/** Returns the Swift test backend settings; at most one attempt per process (the promise is cached). */
export function ensureSwiftBackend(): Promise<SwiftTestEnv> {
  cached ??= resolveBackend();
  return cached;
}

async function resolveBackend(): Promise<SwiftTestEnv> {
  const env = process.env;
  const haveTempauth = !!env.DRPLANE_TEST_SWIFT_TEMPAUTH_URL;
  const haveKeystone = !!env.DRPLANE_TEST_KEYSTONE_URL;
  if (haveTempauth && haveKeystone) {
    return fromVars(env, "existing");
  }
  if (haveTempauth !== haveKeystone) {
    const missing = haveTempauth ? "DRPLANE_TEST_KEYSTONE_URL" : "DRPLANE_TEST_SWIFT_TEMPAUTH_URL";
    throw new Error(
      `Swift test backend: only one of DRPLANE_TEST_SWIFT_TEMPAUTH_URL / DRPLANE_TEST_KEYSTONE_URL is set ` +
        `(${missing} is missing). Set both to use an existing Swift, or unset both to start the loopback backend.\n` +
        howToPointAtExisting(),
    );
  }
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new Error(
      `Swift test backend: cannot start the loopback Swift: scripts/swift/swift-loopback.sh needs root ` +
        `(apt-get, mount -t tmpfs, /etc/swift/swift.conf) and this process runs as uid ${process.getuid()}.\n` +
        howToPointAtExisting(),
    );
  }
  const out = await runStart();
  return fromVars({ ...parseExports(out) }, "loopback");
}

function fromVars(src: Record<string, string | undefined>, source: SwiftTestEnv["source"]): SwiftTestEnv {
  const missing = REQUIRED_VARS.map(([n]) => n).filter((n) => !src[n]);
  if (missing.length > 0) {
    throw new Error(
      source === "existing"
        ? `Swift test backend: DRPLANE_TEST_SWIFT_TEMPAUTH_URL and DRPLANE_TEST_KEYSTONE_URL are set, so an existing ` +
            `Swift is used, but these variables are missing: ${missing.join(", ")}.\n` +
            howToPointAtExisting()
        : `Swift test backend: scripts/swift/swift-loopback.sh start did not print ${missing.join(", ")}.`,
    );
  }
  const get = (n: string): string => src[n] ?? "";
  const vars: Record<string, string> = {};
  for (const n of [...REQUIRED_VARS.map(([v]) => v), ...OPTIONAL_VARS]) {
    const v = src[n];
    if (v) vars[n] = v;
  }
  const tempauthUrl = get("DRPLANE_TEST_SWIFT_TEMPAUTH_URL");
  const infoUrl = src.DRPLANE_TEST_SWIFT_INFO_URL || new URL("/info", tempauthUrl).toString();
  vars.DRPLANE_TEST_SWIFT_INFO_URL = infoUrl;
  const projectDomainName =
    src.DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_NAME || get("DRPLANE_TEST_KEYSTONE_USER_DOMAIN_NAME");
  vars.DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_NAME = projectDomainName;
  return {
    source,
    tempauth: {
      authUrl: tempauthUrl,
      user: get("DRPLANE_TEST_SWIFT_TEMPAUTH_USER"),
      key: get("DRPLANE_TEST_SWIFT_TEMPAUTH_KEY"),
    },
    keystone: {
      authUrl: get("DRPLANE_TEST_KEYSTONE_URL").replace(/\/+$/, ""),
      username: get("DRPLANE_TEST_KEYSTONE_USERNAME"),
      userId: get("DRPLANE_TEST_KEYSTONE_USER_ID"),
      password: get("DRPLANE_TEST_KEYSTONE_PASSWORD"),
      userDomainId: get("DRPLANE_TEST_KEYSTONE_USER_DOMAIN_ID"),
      userDomainName: get("DRPLANE_TEST_KEYSTONE_USER_DOMAIN_NAME"),
      projectId: get("DRPLANE_TEST_KEYSTONE_PROJECT_ID"),
      projectName: get("DRPLANE_TEST_KEYSTONE_PROJECT_NAME"),
      projectDomainId: get("DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_ID"),
      projectDomainName,
      region: get("DRPLANE_TEST_KEYSTONE_REGION"),
    },
    infoUrl,
    logDir: src.DRPLANE_TEST_SWIFT_LOG_DIR || undefined,
    vars,
  };
}

/** Parses `export NAME=value` lines (value plain or single-quoted, as the script prints them). */
export function parseExports(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    vars[m[1]] = unquote(m[2]);
  }
  return vars;
}

function unquote(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${JSON.stringify(raw)}`);
      out += raw.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && i + 1 < raw.length) {
      out += raw[++i];
    } else {
      out += c;
    }
  }
  return out;
}

function runStart(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [SCRIPT, "start"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CI: process.env.CI ?? "true", DEBIAN_FRONTEND: "noninteractive" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      process.stderr.write(d); // progress: "[swift-loopback +42s] packages ready"
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), START_TIMEOUT_MS);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(
        new Error(`Swift test backend: cannot run bash ${SCRIPT}: ${err.message}\n` + howToPointAtExisting()),
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const why = signal ? `killed by ${signal} (timeout ${START_TIMEOUT_MS / 1000}s?)` : `exit code ${code}`;
      const tail = stderr.trim().split("\n").slice(-40).join("\n");
      reject(
        new Error(
          `Swift test backend: "bash scripts/swift/swift-loopback.sh start" failed (${why}).\n` +
            `--- its stderr (tail) ---\n${tail}\n--- end ---\n` +
            howToPointAtExisting(),
        ),
      );
    });
  });
}

function howToPointAtExisting(): string {
  const width = Math.max(...REQUIRED_VARS.map(([n]) => n.length));
  return [
    "To run the Swift tests against an existing Swift + Keystone v3 instead, export ALL of these",
    "(the Keystone user needs an operator role, e.g. swiftoperator or admin, on the project):",
    ...REQUIRED_VARS.map(([n, ex]) => `  ${n.padEnd(width)}  e.g. ${ex}`),
    "optionally DRPLANE_TEST_SWIFT_INFO_URL (default <tempauth origin>/info) and",
    "DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_NAME (default: the user domain name).",
    "Or start the loopback backend yourself as root and load its settings:",
    '  sudo bash scripts/swift/swift-loopback.sh start && eval "$(bash scripts/swift/swift-loopback.sh env)"',
    "See docs/swift-backend.md.",
  ].join("\n");
}
