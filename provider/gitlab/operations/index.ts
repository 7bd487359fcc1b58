export * as assignments from "./assignments";
export * as listing from "./listing";
export * as lookup from "./lookup";
export * as runnerTokens from "./runner-tokens";
export * as runners from "./runners";
