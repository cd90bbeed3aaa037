export * from "./merchant";
export * from "./namespace";
export * from "./pipeline";
