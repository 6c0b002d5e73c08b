import { dropNulls } from './normalize.js';
import type {
  ChatServer,
  ConversationPage,
  ConversationSummary,
  Group,
  HistoryPage,
  ReceiptsAnswer,
  Session,
  User,
} from './types.js';

/** One `{field, message}` of a 400 problem detail. */
export interface FieldError {
  field: string;
  message: string;
}

/** A refused REST call: the RFC 9457 problem detail of docs/api.md, or a network failure (status 0). */
export class ParleyApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${title}: ${detail}`);
    this.name = 'ParleyApiError';
  }

  /** A sentence to show a person. */
  get userMessage(): string {
    if (this.status === 0) return 'Cannot reach the server. Check your connection and try again.';
    if (this.status === 401) return this.detail || 'Please log in again.';
    if (this.status === 409 && this.detail) return this.detail;
    if (this.errors.length > 0) return this.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    if (this.status === 503 || this.status === 504) return 'The server is busy right now. Try again in a moment.';
    return this.detail || this.title;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RestOptions {
  /** The gateway, e.g. `http://localhost:8080`; '' for the page's own origin. */
  baseUrl: string;
  fetch?: FetchLike;
  /** The current access token (undefined before login). */
  token?: () => string | undefined;
  /** Called on any 401 of an authenticated call (the token expired or was revoked). */
  onUnauthorized?: () => void;
}

/** The REST side of Parley (docs/api.md), everything through the gateway. */
export class RestClient {
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: RestOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** `authenticated` false: no bearer token is sent (login, refresh, logout take their credential in the body). */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    authenticated = true,
  ): Promise<T> {
    const token = authenticated ? this.options.token?.() : undefined;
    const init: RequestInit = { method, headers: { accept: 'application/json', ...headers } };
    if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.baseUrl + path, init);
    } catch (e) {
      throw new ParleyApiError(0, 'Network error', String((e as Error)?.message ?? e));
    }
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (!response.ok) {
      if (response.status === 401 && token) this.options.onUnauthorized?.();
      const problem = (json ?? {}) as { title?: string; detail?: string; errors?: FieldError[] };
      const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
      throw new ParleyApiError(
        response.status,
        problem.title ?? response.statusText,
        problem.detail ?? text,
        problem.errors ?? [],
        Number.isFinite(retryAfter) ? retryAfter : undefined,
      );
    }
    return dropNulls(json) as T;
  }

  // --- accounts ---------------------------------------------------------------------------

  signUp(username: string, password: string, displayName: string): Promise<User> {
    return this.request('POST', '/api/users', { username, password, displayName });
  }

  async login(username: string, password: string): Promise<Session> {
    const answer = await this.request<Omit<Session, 'expiresAt'>>('POST', '/api/auth/login', { username, password }, {}, false);
    return withExpiry(answer);
  }

  /**
   * `POST /api/auth/refresh`: the next session of the same login. The given refresh token is used
   * up (presenting it again revokes the login): keep the answer's, forget the old one. Refresh one
   * at a time ({@link ParleyClient} does).
   */
  async refresh(refreshToken: string): Promise<Session> {
    const answer = await this.request<Omit<Session, 'expiresAt'>>('POST', '/api/auth/refresh', { refreshToken }, {}, false);
    return withExpiry(answer);
  }

  /** `POST /api/auth/logout`: revokes the login the refresh token belongs to. */
  async logout(refreshToken: string): Promise<void> {
    await this.request<void>('POST', '/api/auth/logout', { refreshToken }, {}, false);
  }

  /** `POST /api/auth/password`: revokes every login of the user; answers a new session for this one. */
  async changePassword(currentPassword: string, newPassword: string): Promise<Session> {
    const answer = await this.request<Omit<Session, 'expiresAt'>>('POST', '/api/auth/password', { currentPassword, newPassword });
    return withExpiry(answer);
  }

  me(): Promise<User> {
    return this.request('GET', '/api/users/me');
  }

  updateMe(displayName: string): Promise<User> {
    return this.request('PATCH', '/api/users/me', { displayName });
  }

  user(id: string): Promise<User> {
    return this.request('GET', `/api/users/${encodeURIComponent(id)}`);
  }

  userByName(username: string): Promise<User> {
    return this.request('GET', `/api/users?username=${encodeURIComponent(username)}`);
  }

  // --- chat node discovery ----------------------------------------------------------------

  /** `GET /api/discovery/chat-server`: `{nodeId, url}` of the least-loaded healthy node. */
  chatServer(): Promise<ChatServer> {
    return this.request('GET', '/api/discovery/chat-server');
  }

  // --- conversations, history, receipts ---------------------------------------------------

  conversations(limit = 50, cursor?: string): Promise<ConversationPage> {
    const query = `limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    return this.request('GET', `/api/conversations?${query}`);
  }

  /** Every page of the conversation list (at most `maxPages`). */
  async allConversations(maxPages = 10): Promise<ConversationSummary[]> {
    const all: ConversationSummary[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.conversations(100, cursor);
      all.push(...answer.conversations);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    return all;
  }

  directConversation(userId: string): Promise<{ conversationId: string }> {
    return this.request('GET', `/api/conversations/direct/${encodeURIComponent(userId)}`);
  }

  history(conversationId: string, page: { before?: number; after?: number; limit?: number } = {}): Promise<HistoryPage> {
    const query = new URLSearchParams();
    if (page.before !== undefined) query.set('before', String(page.before));
    if (page.after !== undefined) query.set('after', String(page.after));
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    const q = query.toString();
    return this.request('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages${q ? `?${q}` : ''}`);
  }

  receipts(conversationId: string, seq?: number): Promise<ReceiptsAnswer> {
    return this.request('GET', `/api/conversations/${encodeURIComponent(conversationId)}/receipts${seq ? `?seq=${seq}` : ''}`);
  }

  // --- groups (every change carries an Idempotency-Key, reused by a retry) ------------------

  createGroup(name: string, memberIds: string[], idempotencyKey = newKey()): Promise<Group> {
    return this.changeGroup('POST', '/api/groups', { name, memberIds }, idempotencyKey);
  }

  group(conversationId: string): Promise<Group> {
    return this.request('GET', `/api/groups/${encodeURIComponent(conversationId)}`);
  }

  renameGroup(conversationId: string, name: string, idempotencyKey = newKey()): Promise<Group> {
    return this.changeGroup('PATCH', `/api/groups/${encodeURIComponent(conversationId)}`, { name }, idempotencyKey);
  }

  addMembers(conversationId: string, userIds: string[], idempotencyKey = newKey()): Promise<Group> {
    return this.changeGroup('POST', `/api/groups/${encodeURIComponent(conversationId)}/members`, { userIds }, idempotencyKey);
  }

  removeMember(conversationId: string, userId: string, idempotencyKey = newKey()): Promise<Group> {
    return this.changeGroup(
      'DELETE',
      `/api/groups/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(userId)}`,
      undefined,
      idempotencyKey,
    );
  }

  setRole(conversationId: string, userId: string, role: 'admin' | 'member' | 'owner', idempotencyKey = newKey()): Promise<Group> {
    return this.changeGroup(
      'PUT',
      `/api/groups/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(userId)}/role`,
      { role },
      idempotencyKey,
    );
  }

  async leaveGroup(conversationId: string, idempotencyKey = newKey()): Promise<void> {
    await this.changeGroup('POST', `/api/groups/${encodeURIComponent(conversationId)}/leave`, undefined, idempotencyKey);
  }

  /**
   * A group change, retried with the same Idempotency-Key on 503 and on 409 "still running"
   * (docs/api.md, Groups): a change that was recorded after all is not made twice.
   */
  private async changeGroup<T>(method: string, path: string, body: unknown, key: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request<T>(method, path, body, { 'idempotency-key': key });
      } catch (e) {
        const retryable =
          e instanceof ParleyApiError && (e.status === 503 || e.status === 0 || (e.status === 409 && e.retryAfterSeconds !== undefined));
        if (!retryable || attempt >= 4) throw e;
        await sleep(1000 * ((e as ParleyApiError).retryAfterSeconds ?? attempt + 1));
      }
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A random id (RFC 4122 v4 shape), also where `crypto.randomUUID` is missing (insecure origins). */
export function newKey(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function withExpiry(answer: Omit<Session, 'expiresAt'>): Session {
  return { ...answer, expiresAt: Date.now() + answer.expiresIn * 1000 };
}
