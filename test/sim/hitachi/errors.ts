/**
 * Hitachi Configuration Manager error objects (reference §2.5): the body of a synchronous 4xx/5xx
 * and the `error` of a failed job. `invented: true` marks message IDs that no source gave us; the
 * README table lists them. Clients must not depend on the invented IDs.
 */

export interface HitachiErrorObject {
  errorSource: string;
  messageId: string;
  message: string;
  cause: string;
  solution: string;
  solutionType: string;
  /** Storage-side errors carry SSB codes; REST-side ones carry none. */
  errorCode?: { SSB1: string; SSB2: string } | { errorCode: string };
  detailCode?: string;
}

export interface KartDefinition {
  messageId: string;
  /** HTTP status when answered synchronously. */
  status: number;
  message: string;
  cause: string;
  solution: string;
  solutionType: "SEE_ERROR_DETAIL" | "RETRY";
  /** No source names this messageId for this situation. */
  invented: boolean;
}

const def = (d: KartDefinition): KartDefinition => d;

export const KART = {
  /** Reference §2.7: "specified object does not exist"; must not be retried. */
  notFound: def({
    messageId: "KART30013-E",
    status: 404,
    message: "The specified object does not exist.",
    cause: "The object specified in the URL was not found on the storage system.",
    solution: "Check the specified object ID, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: false,
  }),
  /** Reference §2.7: REST server busy (Cinder retries it for 2 h). */
  busy: def({
    messageId: "KART00003-E",
    status: 503,
    message: "The REST API server is busy.",
    cause: "The REST API server cannot accept the request now.",
    solution: "Wait a while, and then run the request again.",
    solutionType: "RETRY",
    invented: false,
  }),
  /** Reference §1.3: 64-session cap → 503 "wait a while and then run the request again". ID invented. */
  sessionLimit: def({
    messageId: "KART40064-E",
    status: 503,
    message: "The maximum number of sessions for the storage system has been reached.",
    cause: "64 sessions already exist on the storage system.",
    solution: "Wait a while, and then run the request again. Discard sessions that are no longer needed.",
    solutionType: "RETRY",
    invented: true,
  }),
  /** Basic-auth failure on session creation (401, WWW-Authenticate: Basic). ID invented. */
  authenticationFailed: def({
    messageId: "KART40047-E",
    status: 401,
    message: "User authentication failed.",
    cause: "The user ID or password is incorrect.",
    solution: "Specify a valid user ID and password, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Unknown/expired/discarded session token (401, WWW-Authenticate: Session). Text per Ansible; ID invented. */
  tokenInvalid: def({
    messageId: "KART40046-E",
    status: 401,
    message: "The specified token is invalid.",
    cause: "The session does not exist, was discarded, or timed out.",
    solution: "Generate a new session, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Body/parameter validation (400). ID invented. */
  invalidParameter: def({
    messageId: "KART30005-E",
    status: 400,
    message: "The value of a request parameter is invalid.",
    cause: "A required parameter is missing or a value is out of range.",
    solution: "Correct the request body, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Remote-Authorization header missing or not "Session <token>" (400). ID invented. */
  remoteAuthorizationMissing: def({
    messageId: "KART40045-E",
    status: 400,
    message: "The Remote-Authorization header is missing or invalid.",
    cause: "This operation needs a session on the remote storage system.",
    solution:
      "Generate a session on the remote REST API server and specify it in the Remote-Authorization header.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Remote session token rejected by the remote REST server (job error). ID invented. */
  remoteAuthenticationFailed: def({
    messageId: "KART40044-E",
    status: 401,
    message: "Authentication on the remote storage system failed.",
    cause:
      "The session specified in the Remote-Authorization header is invalid or timed out on the remote storage system.",
    solution:
      "Generate a new session on the remote REST API server (aliveTime 60 or more), and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** restServerIp:restServerPort unreachable (job error). ID invented. */
  remoteConnectionFailed: def({
    messageId: "KART40048-E",
    status: 502,
    message: "Communication with the remote REST API server failed.",
    cause: "The REST API server at the specified IP address and port could not be connected.",
    solution: "Check restServerIp and restServerPort and the network, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** storageDeviceId does not belong to the REST server at restServerIp:restServerPort (job error). ID invented. */
  storageDeviceIdMismatch: def({
    messageId: "KART30066-E",
    status: 400,
    message: "The specified storage device ID does not match the remote storage system.",
    cause:
      "The storage system managed by the specified remote REST API server has a different storage device ID.",
    solution: "Specify the storage device ID of the remote storage system, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Remote storage already registered (409 per reference §2.6 "duplicate"). ID invented. */
  alreadyRegistered: def({
    messageId: "KART30064-E",
    status: 409,
    message: "The specified remote storage system is already registered.",
    cause: "Information about the storage system with the specified storage device ID already exists.",
    solution: "Check the registered remote storage systems.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Deleting the dkcType "Local" entry (400). ID invented. */
  cannotDeleteLocal: def({
    messageId: "KART30067-E",
    status: 400,
    message: "The local storage system cannot be deleted.",
    cause: "The specified storage device ID is the local storage system.",
    solution: "Specify the storage device ID of a remote storage system.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Discarding another user's session without force (403). ID invented. */
  forbidden: def({
    messageId: "KART40043-E",
    status: 403,
    message: "You do not have the permission to perform this operation.",
    cause: "The operation targets a resource owned by another user.",
    solution: "Run the operation as a user with the required role.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Default for array.failNextJob(): a storage-side failure with SSB codes. ID and SSB invented. */
  storageFailure: def({
    messageId: "KART40041-E",
    status: 500,
    message: "An error occurred in the storage system.",
    cause: "The storage system rejected the operation.",
    solution: "Check the SSB codes, resolve the cause, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** URL not supported (404). ID invented. */
  unsupportedUrl: def({
    messageId: "KART30004-E",
    status: 404,
    message: "The specified URL is not supported.",
    cause: "The resource path in the URL is invalid.",
    solution: "Check the URL, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Method not supported on a known URL (405). ID invented. */
  methodNotAllowed: def({
    messageId: "KART30002-E",
    status: 405,
    message: "The specified HTTP method is not supported for this URL.",
    cause: "The resource does not support the HTTP method.",
    solution: "Check the HTTP method, and then retry the operation.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
  /** Unexpected simulator error (500). ID invented. */
  internal: def({
    messageId: "KART00100-E",
    status: 500,
    message: "An internal error occurred in the REST API server.",
    cause: "An unexpected error occurred.",
    solution: "Retry the operation. If the problem persists, contact customer support.",
    solutionType: "SEE_ERROR_DETAIL",
    invented: true,
  }),
} as const;

export type KartName = keyof typeof KART;

/** Builds an error object from a definition, with optional overrides (SSB codes, detail text). */
export function hitachiError(
  definition: KartDefinition,
  errorSource: string,
  extra: Partial<Omit<HitachiErrorObject, "errorSource">> = {},
): HitachiErrorObject {
  return {
    errorSource,
    messageId: definition.messageId,
    message: definition.message,
    cause: definition.cause,
    solution: definition.solution,
    solutionType: definition.solutionType,
    ...extra,
  };
}

/** Error object for an HTTP status without a more specific definition (injected faults). */
export function errorForStatus(status: number, errorSource: string): HitachiErrorObject {
  const byStatus: Record<number, KartDefinition> = {
    400: KART.invalidParameter,
    401: KART.tokenInvalid,
    403: KART.forbidden,
    404: KART.notFound,
    405: KART.methodNotAllowed,
    409: KART.alreadyRegistered,
    502: KART.remoteConnectionFailed,
    503: KART.busy,
  };
  return hitachiError(byStatus[status] ?? KART.internal, errorSource);
}
