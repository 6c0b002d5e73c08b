/**
 * Reconnect delays of docs/protocol.md ("Draining and reconnecting"): 0.5 s, 1 s, 2 s, … up to
 * 30 s on repeated failures, each with jitter (a random 50–100 % of the step) so that the clients
 * of a drained node do not all come back in the same millisecond.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call without {@link reset} doubles the step. */
  next(): number {
    const step = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(step * (0.5 + this.random() * 0.5));
  }

  /** After a success (a `welcome`): the next failure starts from the first step again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
