/** The public argument types every resource shares: a connection, and per-operation timeouts. */
/** Where and how to reach a vendor endpoint. Never a password: see README "Credentials". */
export interface ConnectionArgs {
  /** https://host[:port] of the REST server. */
  endpoint: string;
  /** Credential profile: the password comes from stack config `drplane:credentials.<profile>.password` or DRPLANE_<PROFILE>_PASSWORD. */
  profile: string;
  /** Username (not secret); else from config `drplane:credentials.<profile>.username` or DRPLANE_<PROFILE>_USERNAME. */
  username?: string;
  /** CA certificates to trust: PEM text or a path to a PEM file. */
  caBundle?: string;
  /** Skip TLS verification (lab only; a warning is printed). */
  insecure?: boolean;
}

/** Wait limits: milliseconds or a duration such as "90s", "20m", "1h". */
export interface Timeouts {
  create?: number | string;
  update?: number | string;
  delete?: number | string;
}
