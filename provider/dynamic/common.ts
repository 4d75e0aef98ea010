/**
 * Transitional: the names the Swift handlers still import while they move onto the handler
 * kit (dynamic/kit.ts). Removed once nothing imports it.
 */
export { omitKeys, progress, same, type DiffResult, type Handler, type Props } from "./kit";
export { stripInternal as inputsOf } from "../core/schema";
