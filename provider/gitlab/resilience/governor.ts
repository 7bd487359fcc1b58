import type { RateLimitInfo } from "./headers";

/** Where the governor reports that it is slowing down. */
export interface GovernorLog {
  debug(message: string): void;
  warn(message: string): void;
}

/** Options of a {@link Governor}. */
export interface GovernorOptions {
  /** Requests in flight at most. */
  maxConcurrency: number;
  /** Longest single pacing delay; a longer one is shortened to this. */
  maxDelayMs: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Releases a slot taken with {@link Governor.acquire}. */
export type Release = () => void;

/**
 * Caps concurrent requests and paces them when GitLab says the quota is running out
 * (docs/design.md decision 11). `pulumi up` runs 4 × CPUs operations at once by default
 * (pkg/cmd/pulumi/operations/up.go), enough to exhaust gitlab.com's burst limit in seconds;
 * this cap holds whatever `--parallel` is.
 *
 * Pacing: while `RateLimit-Remaining` is above a low-water mark nothing is delayed. Below it,
 * the time left until `RateLimit-Reset` is spread evenly over the requests left. At zero, and
 * after a 429 with a wait, every request waits until the reset.
 */
export class Governor {
  readonly #max: number;
  readonly #maxDelayMs: number;
  readonly #now: () => number;
  #active = 0;
  readonly #queue: Array<() => void> = [];
  #pausedUntil = 0;
  #spacingMs = 0;
  #spacingUntil = 0;
  #nextStartAt = 0;
  #peak = 0;

  constructor(options: GovernorOptions) {
    this.#max = Math.max(1, Math.floor(options.maxConcurrency));
    this.#maxDelayMs = options.maxDelayMs;
    this.#now = options.now ?? Date.now;
  }

  /** Requests currently holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** Most requests ever in flight at once (for tests and benchmarks). */
  get peak(): number {
    return this.#peak;
  }

  /** Waits for a free slot and for any pacing delay; resolves to the slot's release function. */
  async acquire(signal?: AbortSignal, log?: GovernorLog): Promise<Release> {
    await this.#takeSlot(signal);
    let released = false;
    const release: Release = () => {
      if (released) return;
      released = true;
      this.#active -= 1;
      this.#queue.shift()?.();
    };
    try {
      const delay = this.#pacingDelay();
      if (delay > 0) {
        log?.debug(`GitLab rate limit: waiting ${delay}ms before the next request`);
        await sleep(delay, signal);
      }
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** Feeds the rate-limit headers of a response into the pacing. */
  observe(info: RateLimitInfo, log: GovernorLog): void {
    const now = this.#now();
    const { remaining, resetAtMs, limit } = info;
    if (remaining === undefined || resetAtMs === undefined || resetAtMs <= now) {
      return;
    }
    const lowWater = Math.max(this.#max * 2, limit === undefined ? 0 : Math.ceil(limit * 0.1));
    if (remaining <= 0) {
      this.pauseUntil(resetAtMs, `RateLimit-Remaining is 0${info.name ? ` (${info.name})` : ""}`, log);
      return;
    }
    if (remaining < lowWater) {
      const spacing = Math.min(this.#maxDelayMs, Math.ceil((resetAtMs - now) / remaining));
      if (spacing > this.#spacingMs || now >= this.#spacingUntil) {
        log.debug(
          `GitLab rate limit: ${remaining}${limit === undefined ? "" : ` of ${limit}`} requests left until reset in ${Math.ceil(
            (resetAtMs - now) / 1000,
          )}s; spacing requests ${spacing}ms apart`,
        );
      }
      this.#spacingMs = spacing;
      this.#spacingUntil = resetAtMs;
    } else if (now < this.#spacingUntil && this.#spacingMs > 0) {
      this.#spacingMs = 0;
      this.#spacingUntil = 0;
    }
  }

  /** Holds every request that has not started yet until `untilMs` (after a 429, say). */
  pauseUntil(untilMs: number, reason: string, log: GovernorLog): void {
    const now = this.#now();
    const capped = Math.min(untilMs, now + this.#maxDelayMs);
    if (capped <= this.#pausedUntil) return;
    this.#pausedUntil = capped;
    log.warn(`GitLab rate limit: holding new requests for ${Math.ceil((capped - now) / 1000)}s (${reason})`);
  }

  #pacingDelay(): number {
    const now = this.#now();
    let start = Math.max(now, this.#pausedUntil);
    if (this.#spacingMs > 0 && now < this.#spacingUntil) {
      start = Math.max(start, this.#nextStartAt);
      this.#nextStartAt = start + this.#spacingMs;
    }
    return start - now;
  }

  #takeSlot(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#active < this.#max) {
      this.#grant();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#queue.indexOf(wake);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      const wake = (): void => {
        signal?.removeEventListener("abort", onAbort);
        this.#grant();
        resolve();
      };
      this.#queue.push(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #grant(): void {
    this.#active += 1;
    if (this.#active > this.#peak) this.#peak = this.#active;
  }
}

const shared = new Map<string, Governor>();

/**
 * The governor for one GitLab API URL and concurrency, shared by every client in the process:
 * the provider may build several clients, but GitLab's quota and our cap are per server.
 */
export function sharedGovernor(apiUrl: string, maxConcurrency: number, maxDelayMs: number): Governor {
  const key = `${apiUrl} ${maxConcurrency}`;
  let governor = shared.get(key);
  if (governor === undefined) {
    governor = new Governor({ maxConcurrency, maxDelayMs });
    shared.set(key, governor);
  }
  return governor;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
