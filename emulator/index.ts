import type { AddressInfo } from "node:net";
import { defaultFixture } from "./default-fixture";
import { EmulatorCore } from "./server";
import type {
  EmulatorState,
  FaultConfig,
  Fixture,
  GitlabVersion,
  InstanceSettings,
  RequestLogEntry,
} from "./types";
import { isGitlabVersion, versionFeatures } from "./version";

export {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_RUNNER_TOKENS,
  FIXTURE_TOKENS,
} from "./default-fixture";
export type {
  EmulatorState,
  FaultConfig,
  FaultKind,
  FaultRule,
  Fixture,
  FixtureGroup,
  FixtureJob,
  FixtureMember,
  FixtureProject,
  FixtureRunner,
  FixtureRunnerManager,
  FixtureToken,
  FixtureUser,
  GitlabVersion,
  InstanceSettings,
  PlanLimits,
  RequestLogEntry,
  Role,
  RunnerRegistrar,
  RunnerType,
  TokenScope,
} from "./types";
export { GITLAB_VERSIONS, isGitlabVersion } from "./version";

export interface StartEmulatorOptions {
  /** TCP port; 0 picks an ephemeral one. Default 0. */
  port?: number;
  /** Interface to bind. Default "127.0.0.1". */
  host?: string;
  /** Which GitLab to emulate. Default "17.11". */
  gitlabVersion?: GitlabVersion;
  /** The world to start with. Default `defaultFixture()`. */
  fixture?: Fixture;
  /** Seed of the fault PRNG. Default 1. */
  seed?: number;
  /**
   * When set, the control API (`/-/emulator/`) requires `Authorization: Bearer <controlToken>`.
   * Default: none (the control API is guarded only by the Origin and Content-Type checks).
   */
  controlToken?: string;
  /** No warning when `host` is not a loopback address. Default false. */
  quiet?: boolean;
}

export interface RunningEmulator {
  /** "http://127.0.0.1:PORT", no trailing slash; the API is `url + "/api/v4"`. */
  url: string;
  /** Closes the server and every open socket. */
  stop(): Promise<void>;
  /** A deep copy of the whole state, the JSON of GET /-/emulator/state. */
  state(): EmulatorState;
  /** Replaces the fault rules, like PUT /-/emulator/faults. Throws on an invalid config. */
  setFaults(config: FaultConfig): void;
  /** The request log, like GET /-/emulator/requests. */
  requests(): RequestLogEntry[];
  /** Back to the starting fixture; clears the request log and faults. */
  reset(): void;
  /** Replaces the state with `fixture` (the starting fixture for reset() is unchanged). */
  loadFixture(fixture: Fixture): void;
  /**
   * Changes instance settings while running, like PATCH /-/emulator/settings: those given
   * replace their current value, the rest stay. Returns all of them. Throws on invalid input.
   */
  updateSettings(settings: InstanceSettings): Required<InstanceSettings>;
}

/** True for the names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why binding to `host` deserves a warning, or null for loopback. */
export function exposureWarning(host: string, controlToken: boolean): string | null {
  if (isLoopbackHost(host)) return null;
  return (
    `the GitLab emulator listens on ${host}, reachable from other machines: its fixture tokens are ` +
    "public and its control API can replace its whole state" +
    (controlToken ? "" : " (set a control token: --control-token)")
  );
}

/** Starts an emulated GitLab, on loopback unless `host` says otherwise. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const version = options.gitlabVersion ?? "17.11";
  if (!isGitlabVersion(version)) throw new Error(`unsupported gitlabVersion ${String(version)}`);
  const host = options.host ?? "127.0.0.1";
  if (options.controlToken !== undefined && options.controlToken.length < 8)
    throw new Error("controlToken must be at least 8 characters");
  const core = new EmulatorCore({
    features: versionFeatures(version),
    fixture: options.fixture ?? defaultFixture(),
    seed: options.seed ?? 1,
    ...(options.controlToken === undefined ? {} : { controlToken: options.controlToken }),
  });
  await new Promise<void>((resolve, reject) => {
    core.server.once("error", reject);
    core.server.listen(options.port ?? 0, host, () => {
      core.server.off("error", reject);
      resolve();
    });
  });
  const warning = exposureWarning(host, options.controlToken !== undefined);
  if (warning !== null && options.quiet !== true) process.emitWarning(warning, "EmulatorExposureWarning");
  const address = core.server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    stop: () => core.stop(),
    state: () => core.state(),
    setFaults: (config) => core.setFaults(config),
    requests: () => core.requests(),
    reset: () => core.reset(),
    loadFixture: (fixture) => core.loadFixture(fixture),
    updateSettings: (settings) => core.updateSettings(settings),
  };
}
