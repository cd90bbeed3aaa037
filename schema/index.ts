export * from "./assessments";
export * from "./charges";
export * from "./decide";
export * from "./lifecycle";
export * from "./merchant";
export * from "./namespace";
export * from "./pipeline";
export * from "./warnings";
