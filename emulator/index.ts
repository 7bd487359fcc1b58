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
  /** Accepted for symmetry with the CLI; the library never logs. */
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

/** Starts an emulated GitLab on loopback. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const version = options.gitlabVersion ?? "17.11";
  if (!isGitlabVersion(version)) throw new Error(`unsupported gitlabVersion ${String(version)}`);
  const host = options.host ?? "127.0.0.1";
  const core = new EmulatorCore({
    features: versionFeatures(version),
    fixture: options.fixture ?? defaultFixture(),
    seed: options.seed ?? 1,
  });
  await new Promise<void>((resolve, reject) => {
    core.server.once("error", reject);
    core.server.listen(options.port ?? 0, host, () => {
      core.server.off("error", reject);
      resolve();
    });
  });
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
