import type { Message } from './types.js';

/** What applying one message did. */
export type ApplyOutcome = 'new' | 'gap' | 'duplicate';

/**
 * One device's copy of one conversation, kept as docs/protocol.md ("Resume and sync") says:
 * messages stored by seq, a second copy of a seq dropped, and a cursor that is the highest seq
 * held <em>without a hole below it</em>, so it never claims a message the device does not have.
 * Seqs are dense, so a held seq above the cursor is a gap: the device must sync.
 */
export class ConversationReplica {
  private readonly bySeq = new Map<number, Message>();
  private sortedCache: Message[] | undefined;
  private cursorSeq = 0;
  private highest = 0;
  private lowest = 0;

  constructor(readonly conversationId: string) {}

  apply(message: Message): ApplyOutcome {
    if (!Number.isSafeInteger(message.seq) || message.seq < 1) {
      throw new RangeError(`seqs start at 1: ${JSON.stringify(message)}`);
    }
    if (this.bySeq.has(message.seq)) {
      return 'duplicate';
    }
    this.bySeq.set(message.seq, message);
    this.sortedCache = undefined;
    this.highest = Math.max(this.highest, message.seq);
    this.lowest = this.lowest === 0 ? message.seq : Math.min(this.lowest, message.seq);
    while (this.bySeq.has(this.cursorSeq + 1)) {
      this.cursorSeq++;
    }
    return this.hasGap() ? 'gap' : 'new';
  }

  /** The highest seq held with every seq below it held too: what the device tells the server. */
  get cursor(): number {
    return this.cursorSeq;
  }

  /** The highest seq held (may be above the cursor when there is a gap). */
  get maxSeq(): number {
    return this.highest;
  }

  /** The lowest seq held (0: none). */
  get minSeq(): number {
    return this.lowest;
  }

  get size(): number {
    return this.bySeq.size;
  }

  /** Whether a held seq lies above a hole (the device knows it missed something). */
  hasGap(): boolean {
    return this.highest > this.cursorSeq;
  }

  holds(seq: number): boolean {
    return this.bySeq.has(seq);
  }

  get(seq: number): Message | undefined {
    return this.bySeq.get(seq);
  }

  /** Whether it holds the message with this server id (its own sends are matched this way). */
  findByClientMessageId(senderId: string, clientMessageId: string): Message | undefined {
    for (const m of this.bySeq.values()) {
      if (m.senderId === senderId && m.clientMessageId === clientMessageId) {
        return m;
      }
    }
    return undefined;
  }

  /** Everything held, ascending by seq. */
  messages(): Message[] {
    if (!this.sortedCache) {
      this.sortedCache = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    }
    return this.sortedCache;
  }
}
