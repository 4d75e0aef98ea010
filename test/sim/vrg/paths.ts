/** Base path of the VRG REST interface (seed 001 §2.1.3: basic_uri is /vrgservice). */
export const BASE_PATH = "/vrgservice";
