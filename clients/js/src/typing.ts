/**
 * The receiving side of typing (docs/protocol.md, Typing): show "typing…" until a `stop`, a
 * message from that user in that conversation, or `expiresInMs` after the last `start`.
 */
export class TypingTracker {
  private readonly timers = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();

  constructor(private readonly changed: (conversationId: string, userIds: string[]) => void) {}

  start(conversationId: string, userId: string, expiresInMs: number): void {
    const users = this.users(conversationId);
    const had = users.has(userId);
    const old = users.get(userId);
    if (old) clearTimeout(old);
    users.set(
      userId,
      setTimeout(() => this.stop(conversationId, userId), expiresInMs),
    );
    if (!had) this.changed(conversationId, this.typists(conversationId));
  }

  stop(conversationId: string, userId: string): void {
    const users = this.timers.get(conversationId);
    const timer = users?.get(userId);
    if (!users || timer === undefined) return;
    clearTimeout(timer);
    users.delete(userId);
    this.changed(conversationId, this.typists(conversationId));
  }

  typists(conversationId: string): string[] {
    return [...(this.timers.get(conversationId)?.keys() ?? [])];
  }

  clear(): void {
    for (const [conversationId, users] of this.timers) {
      for (const timer of users.values()) clearTimeout(timer);
      users.clear();
      this.changed(conversationId, []);
    }
    this.timers.clear();
  }

  private users(conversationId: string): Map<string, ReturnType<typeof setTimeout>> {
    let users = this.timers.get(conversationId);
    if (!users) {
      users = new Map();
      this.timers.set(conversationId, users);
    }
    return users;
  }
}

/**
 * The sending side: at most one `start` per `intervalMs` while the user types, a `stop` after
 * `idleMs` without a keystroke (or when the app says so), none after a send (a message implies stop).
 */
export class TypingThrottle {
  private readonly lastStart = new Map<string, number>();
  private readonly idleTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly sendFrame: (conversationId: string, state: 'start' | 'stop') => void,
    public intervalMs = 3000,
    public idleMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  keystroke(conversationId: string): void {
    const last = this.lastStart.get(conversationId);
    if (last === undefined || this.now() - last >= this.intervalMs) {
      this.lastStart.set(conversationId, this.now());
      this.sendFrame(conversationId, 'start');
    }
    const old = this.idleTimers.get(conversationId);
    if (old) clearTimeout(old);
    this.idleTimers.set(
      conversationId,
      setTimeout(() => this.stop(conversationId), this.idleMs),
    );
  }

  /** The user cleared the field or went idle: `stop`, if a `start` was sent. */
  stop(conversationId: string): void {
    if (this.forget(conversationId)) this.sendFrame(conversationId, 'stop');
  }

  /** The user sent the message: no `stop` frame needed. */
  sent(conversationId: string): void {
    this.forget(conversationId);
  }

  private forget(conversationId: string): boolean {
    const timer = this.idleTimers.get(conversationId);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(conversationId);
    return this.lastStart.delete(conversationId);
  }

  clear(): void {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    this.lastStart.clear();
  }
}
