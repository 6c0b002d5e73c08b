import type { Message } from './types.js';

/** A message this device created and has not seen sequenced yet. */
export interface PendingMessage {
  /** The client message id (`id` of the `send` frame): reused for every resend. */
  clientMessageId: string;
  /** Where it goes: a conversation, or `to` a user (a first 1:1 message). */
  conversationId?: string;
  to?: string;
  text: string;
  createdAt: number;
  /** pending: not acked yet; sent: acked (durable), its seq not known yet; failed: refused. */
  state: 'pending' | 'sent' | 'failed';
  messageId?: string;
  sentAt?: number;
  error?: { code: string; message: string };
  /** Put on the wire at least once: every later `send` of it carries `resend: true`. */
  transmitted?: boolean;
}

/**
 * Where a device keeps what it holds, so a restart resumes from its cursors and resends what is
 * pending. The client keeps everything in memory as well and writes through; a store only has to
 * give back what it was given. {@link MemoryStore} by default; {@link IndexedDbStore} in browsers.
 */
export interface ParleyStore {
  /** Every message held, in any order. */
  loadMessages(): Promise<Message[]>;
  putMessages(messages: Message[]): Promise<void>;
  loadPending(): Promise<PendingMessage[]>;
  putPending(message: PendingMessage): Promise<void>;
  deletePending(clientMessageId: string): Promise<void>;
  /** Forgets everything (logout). */
  clear(): Promise<void>;
}

/** Keeps nothing beyond the process: a reload starts from cursor 0. */
export class MemoryStore implements ParleyStore {
  private readonly messages = new Map<string, Message>();
  private readonly pending = new Map<string, PendingMessage>();

  async loadMessages(): Promise<Message[]> {
    return [...this.messages.values()];
  }

  async putMessages(messages: Message[]): Promise<void> {
    for (const m of messages) {
      this.messages.set(`${m.conversationId}:${m.seq}`, m);
    }
  }

  async loadPending(): Promise<PendingMessage[]> {
    return [...this.pending.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  async putPending(message: PendingMessage): Promise<void> {
    this.pending.set(message.clientMessageId, { ...message });
  }

  async deletePending(clientMessageId: string): Promise<void> {
    this.pending.delete(clientMessageId);
  }

  async clear(): Promise<void> {
    this.messages.clear();
    this.pending.clear();
  }
}
