import { useEffect, useState } from 'preact/hooks';
import type { ParleyClient, ParleyEvents } from '@parley/client';

const EVENTS: Array<keyof ParleyEvents> = [
  'connection',
  'message',
  'timeline',
  'conversation',
  'conversations',
  'pending',
  'receipt',
  'typing',
  'presence',
];

/** Re-renders the component whenever the client reports a change (at most once per frame). */
export function useClient(client: ParleyClient): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let scheduled = false;
    const bump = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        setVersion((v) => v + 1);
      });
    };
    const offs = EVENTS.map((e) => client.on(e, bump));
    return () => offs.forEach((off) => off());
  }, [client]);
  return version;
}

/** Display names by user id, fetched once each (GET /api/users/{id}). */
export class NameBook {
  private readonly names = new Map<string, string>();
  private readonly asked = new Set<string>();
  private listeners = new Set<() => void>();

  constructor(private readonly client: ParleyClient) {}

  set(userId: string, name: string): void {
    if (this.names.get(userId) === name) return;
    this.names.set(userId, name);
    this.listeners.forEach((l) => l());
  }

  name(userId: string | undefined): string {
    if (!userId) return '';
    const known = this.names.get(userId);
    if (known) return known;
    if (!this.asked.has(userId)) {
      this.asked.add(userId);
      this.client.rest
        .user(userId)
        .then((u) => this.set(userId, u.displayName))
        .catch(() => undefined);
    }
    return '…';
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function useNames(book: NameBook): void {
  const [, setV] = useState(0);
  useEffect(() => book.subscribe(() => setV((v) => v + 1)), [book]);
}
