/**
 * A loopback HTTP server that answers 503 to every request (and never answers `/hang`), and
 * counts them: for tests of how many requests a retrying client sends to an overloaded system.
 */
import { loopbackServer } from "./loopback";

export interface BusyServer {
  /** The server's base URL, once it listens. */
  url: Promise<string>;
  /** Requests received since the last reset. */
  readonly requests: number;
  reset(): void;
}

/** Starts the server for the calling test file; it is closed after the file's tests. */
export function busyServer(): BusyServer {
  let requests = 0;
  const { url } = loopbackServer((req, res) => {
    requests++;
    if (req.url === "/hang") return; // never answers; the client's timeout ends it
    res.statusCode = 503;
    res.end("busy");
  });
  return {
    url,
    get requests() {
      return requests;
    },
    reset: () => {
      requests = 0;
    },
  };
}
