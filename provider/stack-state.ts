/**
 * Whether an earlier run may have created a resource: the creations the stack's state records
 * as begun and never finished (its pending `creating` operations), read once per provider
 * process with the CLI (`stack-cli.ts`).
 *
 * Why. A creation `POST` is not idempotent: when a `pulumi up` is killed (or an answer lost)
 * after GitLab created a runner, the next `up` creates the resource again. The runner the first
 * attempt made carries the resource's creation mark (`runner/creation-mark.ts`), so the provider
 * can find it in GitLab and take it over — but looking costs a listing of the scope and a read of
 * its never-contacted runners, which a fleet of new runners would pay on every `up`. The engine
 * already records exactly the creations that may have happened unseen: before it asks a
 * provider to create a resource it writes a pending `creating` operation for it to the state,
 * and removes it only when the answer is recorded (`doCreate`/`createSnapshotMutation` in
 * pulumi/pulumi `pkg/backend/snapshot.go`). A killed run leaves them behind, and the next runs
 * keep them (`snap()` copies the base's pending creations into every snapshot) until someone
 * clears them with `pulumi refresh`. So the provider looks in GitLab only for a resource the
 * state holds a pending creation of.
 *
 * When to read. The state also holds the creations this very run has begun. Those must not count
 * (every resource would), so the state is read before this process's first creation can begin: a
 * Runner's `check` for a new resource waits for the read (the engine checks a resource before it
 * begins its creation), and the answer is kept for the process. A creation whose `check` did not
 * wait (a replacement) may see its own pending creation: it then looks in GitLab, which is safe.
 *
 * A creation can also end unconfirmed without a kill: its answer lost and GitLab failing while
 * the provider looked for the runner (`creation_unconfirmed`). The create then fails, and the
 * engine removes its pending creation. So when the stack's last `pulumi up` failed (`pulumi
 * stack history`), every creation looks in GitLab: the cost falls only on the run after a
 * failed one.
 *
 * When not to trust it. With `PULUMI_SKIP_CHECKPOINTS` the engine writes the state only at the
 * end, so a killed run leaves no record: every creation looks in GitLab. So does every creation
 * when the state cannot be read. `pulumi refresh --clear-pending-creates` (or choosing "clear"
 * in an interactive refresh) removes the records: the next `up` then cannot know about a runner
 * the killed run made (README "Killed runs" says to run `up` first).
 */
import type { ResourceOrigin } from "./resource/origin";
import { runPulumi, stackArgument } from "./stack-cli";

/** What the state says about a resource's earlier creations. */
export type CreationHistory =
  /**
   * The state was read: the URNs it holds a pending creation of, and whether the stack's last
   * `pulumi up` failed (a creation whose answer was lost and could not be confirmed ends the
   * create with an error, which leaves no pending creation: then every creation looks).
   */
  | { known: true; pending: ReadonlySet<string>; lastUpdateFailed: boolean }
  /** Nothing can be said: look in GitLab before every creation. */
  | { known: false; reason: string };

/** The pending creations of an exported deployment (`pulumi stack export`'s JSON). */
export function pendingCreations(exported: unknown): ReadonlySet<string> {
  const operations = (exported as { deployment?: { pending_operations?: unknown } } | null)?.deployment
    ?.pending_operations;
  const urns = new Set<string>();
  if (!Array.isArray(operations)) return urns;
  for (const op of operations as { type?: unknown; resource?: { urn?: unknown } }[]) {
    if (op?.type === "creating" && typeof op.resource?.urn === "string") urns.add(op.resource.urn);
  }
  return urns;
}

/**
 * Whether the stack's last `pulumi up` failed, from `pulumi stack history --json` (newest
 * first; `kind`, `result`: `updateInfoJSON` in pulumi/pulumi `pkg/cmd/pulumi/stack/
 * stack_history.go`). An update still `in-progress` is this run (the Pulumi Cloud lists it) and
 * is skipped. `undefined` when the page holds entries but no finished update (refreshes only):
 * then nothing can be said. An empty history: no update ever ran.
 */
export function lastUpdateFailed(history: unknown): boolean | undefined {
  if (!Array.isArray(history)) return undefined;
  if (history.length === 0) return false;
  for (const entry of history as { kind?: unknown; result?: unknown }[]) {
    if (entry?.kind !== "update" || entry.result === "in-progress") continue;
    return entry.result !== "succeeded";
  }
  return undefined;
}

/** Pulumi's reading of a boolean environment variable (`env.Bool` in sdk/go/common/util/env). */
function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true)$/i.test(value.trim());
}

/** The largest state read: well above any stack a CLI run can handle comfortably. */
const MAX_STATE_BYTES = 1024 * 1024 * 1024;

/** How many history entries are read to find the last update. */
const HISTORY_PAGE = 10;

async function readHistory(stack: string, env: NodeJS.ProcessEnv): Promise<CreationHistory> {
  if (truthy(env.PULUMI_SKIP_CHECKPOINTS))
    return { known: false, reason: "PULUMI_SKIP_CHECKPOINTS is set, so a killed run leaves no record in it" };
  // Without --show-secrets: the state's secrets stay ciphertext; only the operations are used.
  const [exported, updates] = await Promise.all([
    runPulumi(["stack", "export", "--stack", stack], { env, maxBuffer: MAX_STATE_BYTES }),
    runPulumi(["stack", "history", "--json", "--page-size", String(HISTORY_PAGE), "--stack", stack], { env }),
  ]);
  if (!exported.ok) return { known: false, reason: exported.reason };
  if (!updates.ok) return { known: false, reason: updates.reason };
  let pending: ReadonlySet<string>;
  let failed: boolean | undefined;
  try {
    pending = pendingCreations(JSON.parse(exported.stdout));
  } catch {
    return { known: false, reason: `pulumi stack export --stack ${stack} printed no state` };
  }
  try {
    failed = lastUpdateFailed(JSON.parse(updates.stdout));
  } catch {
    return { known: false, reason: `pulumi stack history --stack ${stack} printed no history` };
  }
  if (failed === undefined)
    return {
      known: false,
      reason: `pulumi stack history --stack ${stack} shows no finished update among its last ${HISTORY_PAGE} entries`,
    };
  return { known: true, pending, lastUpdateFailed: failed };
}

const histories = new Map<string, Promise<CreationHistory>>();

/**
 * The creation history of the stack `origin` belongs to, read once per process (the first call
 * reads; later calls share its answer). Never rejects.
 */
export function creationHistory(
  origin: ResourceOrigin,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CreationHistory> {
  const stack = stackArgument(origin);
  let history = histories.get(stack);
  if (history === undefined) {
    history = readHistory(stack, env);
    histories.set(stack, history);
  }
  return history;
}

/** Whether every creation looks in GitLab, whatever its resource: nothing says which may not. */
export function everyCreationLooks(history: CreationHistory): boolean {
  return !history.known || history.lastUpdateFailed;
}

/**
 * Whether GitLab must be searched before creating the resource of `origin`, and the line that
 * says why (for the engine's log).
 */
export function mayHaveBeenCreated(
  history: CreationHistory,
  origin: ResourceOrigin,
): { may: false } | { may: true; why: string } {
  if (!history.known)
    return {
      may: true,
      why:
        `the stack's state cannot say which creations an earlier run left unfinished (${history.reason}): ` +
        "looking in GitLab before each creation for a runner carrying its resource's creation mark",
    };
  if (history.lastUpdateFailed)
    return {
      may: true,
      why:
        "the stack's last pulumi up failed, and a creation it could not confirm may have made a runner: looking in " +
        "GitLab before each creation for a runner carrying its resource's creation mark",
    };
  return history.pending.has(origin.urn)
    ? {
        may: true,
        why:
          "the stack's state records an earlier, unfinished creation of this resource: looking in GitLab for a " +
          "runner carrying its creation mark before creating one",
      }
    : { may: false };
}
