/**
 * A loopback HTTP server that answers 503 to every request (and never answers `/hang`), and
 * counts them: for tests of how many requests a retrying client sends to an overloaded system.
 */
import { after } from "node:test";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { closeAllAgents } from "../../provider/core/http";

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
  const server = http.createServer((req, res) => {
    requests++;
    if (req.url === "/hang") return; // never answers; the client's timeout ends it
    res.statusCode = 503;
    res.end("busy");
  });
  const url = new Promise<string>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
  after(async () => {
    await closeAllAgents();
    server.closeAllConnections();
    server.close();
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
