/**
 * A resource's operations as the dynamic-provider host calls them. What the host needs beyond
 * the operations themselves lives here, once for every resource:
 * - a {@link PartialStateError} gets `__provider` in its properties (the host records them as
 *   the resource's state but does not add the serialized provider itself; without it, a later
 *   refresh, update or destroy could not load the provider);
 * - every log line the operation wrote reaches the engine before the answer does;
 * - the front door's hooks: a `check` says the program runs; a read or a delete may first need
 *   the stack's current configuration (`provider/configure.ts`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Bag } from "./check";
import type { ResourceContext } from "./context";
import { PartialStateError } from "./errors";

const PROVIDER_KEY = "__provider";

async function settled<T>(ctx: () => ResourceContext, work: () => Promise<T>, inputs: Bag): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PartialStateError && inputs[PROVIDER_KEY] !== undefined) {
      (err.properties as Bag)[PROVIDER_KEY] = inputs[PROVIDER_KEY];
    }
    throw err;
  } finally {
    await ctx().log.flush();
  }
}

/** What the front door does around operations. */
export interface DynamicHooks {
  /** A `check` came in: the program runs. */
  programIsRunning?(): void;
  /** Before a read or a delete, with the resource's stored properties. */
  beforeStoredOperation?(props: Bag | undefined): Promise<void>;
}

/** Wraps `operations` for the dynamic-provider host. */
export function forDynamicHost<P extends pulumi.dynamic.ResourceProvider<Bag, Bag>>(
  ctx: () => ResourceContext,
  operations: P,
  hooks: DynamicHooks = {},
): P {
  const wrapped: pulumi.dynamic.ResourceProvider<Bag, Bag> = {
    ...operations,
    create: (inputs) => settled(ctx, () => operations.create(inputs), inputs),
  };
  const { check, diff } = operations;
  if (check) {
    wrapped.check = (olds, news) => {
      hooks.programIsRunning?.();
      return settled(ctx, () => check(olds, news), news);
    };
  }
  if (diff) wrapped.diff = (id, olds, news) => settled(ctx, () => diff(id, olds, news), news);
  const { update, read } = operations;
  const before = (props: Bag | undefined) => hooks.beforeStoredOperation?.(props) ?? Promise.resolve();
  if (update) wrapped.update = (id, olds, news) => settled(ctx, () => update(id, olds, news), news);
  if (read)
    wrapped.read = (id, props) =>
      settled(
        ctx,
        async () => {
          await before(props);
          return read(id, props);
        },
        props ?? {},
      );
  const remove = operations.delete;
  if (remove)
    wrapped.delete = (id, props) =>
      settled(
        ctx,
        async () => {
          await before(props);
          return remove(id, props);
        },
        props,
      );
  return wrapped as P;
}
