export * from "./assessments";
export * from "./charges";
export * from "./lifecycle";
export * from "./merchant";
export * from "./namespace";
export * from "./pipeline";
export * from "./sessions";
export * from "./warnings";
