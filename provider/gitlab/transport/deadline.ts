/**
 * The deadline of one operation (`gitlab:timeoutMs`): every attempt, every wait and every page of
 * a listing happen inside it, so an operation ends in bounded time whatever GitLab does.
 */

/** One operation's signals. */
export interface Operation {
  /** Aborted by the deadline or by the caller. */
  signal: AbortSignal;
  /** Aborted by the deadline only (tells a timeout from a caller's abort). */
  deadline: AbortSignal;
  /** Epoch ms at which the deadline fires. */
  deadlineAt: number;
  callerSignal?: AbortSignal | undefined;
  /** Stops the deadline's timer; call when the operation ends. */
  dispose(): void;
}

/** Starts an operation that must end within `timeoutMs`. */
export function startOperation(timeoutMs: number, callerSignal: AbortSignal | undefined): Operation {
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort(Object.assign(new Error("operation deadline exceeded"), { code: "DEADLINE_EXCEEDED" }));
  }, timeoutMs);
  timer.unref?.();
  return {
    signal: callerSignal ? AbortSignal.any([deadline.signal, callerSignal]) : deadline.signal,
    deadline: deadline.signal,
    deadlineAt: Date.now() + timeoutMs,
    callerSignal,
    dispose: () => clearTimeout(timer),
  };
}

/** Whether the caller (not the deadline) ended the operation. */
export function abortedByCaller(op: Operation): boolean {
  return op.callerSignal?.aborted === true && !op.deadline.aborted;
}

/** Runs `fn` inside a new operation and always stops its timer. */
export async function withinDeadline<T>(
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  fn: (op: Operation) => Promise<T>,
): Promise<T> {
  const op = startOperation(timeoutMs, callerSignal);
  try {
    return await fn(op);
  } finally {
    op.dispose();
  }
}
