export * from "./charges";
export * from "./merchant";
export * from "./namespace";
export * from "./pipeline";
export * from "./lifecycle";
