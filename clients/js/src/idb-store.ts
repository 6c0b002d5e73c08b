import type { Message } from './types.js';
import type { ParleyStore, PendingMessage } from './store.js';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * A {@link ParleyStore} in the browser's IndexedDB: one database per user
 * (`parley-<userId>`), messages keyed by `[conversationId, seq]`, pending sends by client id.
 * A reload resumes from the cursors it held and resends what was pending.
 */
export class IndexedDbStore implements ParleyStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(
    private readonly name: string,
    private readonly factory: IDBFactory = globalThis.indexedDB,
  ) {}

  /** The store of one user (call after login). */
  static forUser(userId: string, factory?: IDBFactory): IndexedDbStore {
    return new IndexedDbStore(`parley-${userId}`, factory);
  }

  private open(): Promise<IDBDatabase> {
    if (!this.db) {
      const request = this.factory.open(this.name, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore('messages', { keyPath: ['conversationId', 'seq'] });
        db.createObjectStore('pending', { keyPath: 'clientMessageId' });
      };
      this.db = promised(request);
    }
    return this.db;
  }

  async loadMessages(): Promise<Message[]> {
    const db = await this.open();
    return promised(db.transaction('messages').objectStore('messages').getAll() as IDBRequest<Message[]>);
  }

  async putMessages(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    const db = await this.open();
    const tx = db.transaction('messages', 'readwrite');
    const store = tx.objectStore('messages');
    for (const m of messages) store.put(m);
    await done(tx);
  }

  async loadPending(): Promise<PendingMessage[]> {
    const db = await this.open();
    const all = await promised(db.transaction('pending').objectStore('pending').getAll() as IDBRequest<PendingMessage[]>);
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  async putPending(message: PendingMessage): Promise<void> {
    const db = await this.open();
    const tx = db.transaction('pending', 'readwrite');
    tx.objectStore('pending').put(message);
    await done(tx);
  }

  async deletePending(clientMessageId: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction('pending', 'readwrite');
    tx.objectStore('pending').delete(clientMessageId);
    await done(tx);
  }

  async clear(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['messages', 'pending'], 'readwrite');
    tx.objectStore('messages').clear();
    tx.objectStore('pending').clear();
    await done(tx);
  }
}
