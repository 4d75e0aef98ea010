export * from "./client";
export * from "./errors";
export * from "./jobs";
export * from "./remote-storage";
export * from "./register";
export * from "./remove";
