/** URL paths of the embedded Configuration Manager REST API (reference §1). */
export const BASE_PATH = "/ConfigurationManager";
export const OBJECTS_PATH = `${BASE_PATH}/v1/objects`;
export const REMOTE_STORAGES_PATH = `${OBJECTS_PATH}/remote-storages`;
export const JOBS_PATH = `${OBJECTS_PATH}/jobs`;
export const SESSIONS_PATH = `${OBJECTS_PATH}/sessions`;
