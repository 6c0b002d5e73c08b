import { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { ConversationReplica } from './replica.js';
import { newKey, ParleyApiError, RestClient, type FetchLike } from './rest.js';
import { MemoryStore, type ParleyStore, type PendingMessage } from './store.js';
import { TypingThrottle, TypingTracker } from './typing.js';
import type {
  ConversationSummary,
  ErrorFrame,
  Group,
  LastMessage,
  Message,
  Presence,
  PresenceVisibility,
  ReceiptFrame,
  ServerFrame,
  Session,
  User,
  Welcome,
} from './types.js';

/** The part of the browser's WebSocket the client uses; the `ws` package's class fits too. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

/**
 * - `offline`: not connected and not trying (before {@link ParleyClient.connect}, after close/logout)
 * - `connecting`: the first connection is being opened
 * - `online`: welcomed; messages flow
 * - `reconnecting`: lost the connection (or the node drained); trying again with back-off
 */
export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting';

export interface ConnectionInfo {
  state: ConnectionState;
  /** The node's id while online. */
  node?: string;
  /** Messages written but not acked yet (they are resent after the reconnect). */
  pending: number;
  /** While reconnecting: how long until the next attempt. */
  nextRetryInMs?: number;
  /** Why the last connection ended, in words a person understands. */
  reason?: string;
}

/** A conversation as the app shows it in its list: the REST summary, kept current from the socket. */
export interface ConversationView extends ConversationSummary {
  /** Users typing right now. */
  typing: string[];
}

/** A member's watermarks in one conversation. */
export interface Marks {
  delivered: number;
  read: number;
}

/** What the app shows in a conversation: sequenced messages, then own messages not placed yet. */
export type TimelineItem =
  | { kind: 'message'; message: Message; mine: boolean }
  | { kind: 'pending'; pending: PendingMessage };

export interface ParleyEvents {
  /** The connection state changed. */
  connection: ConnectionInfo;
  /** A message was placed in a conversation (live, by sync, or from history). */
  message: { message: Message; source: 'live' | 'sync' | 'history' };
  /** A conversation's timeline changed (a message placed, a pending message changed). */
  timeline: { conversationId: string };
  /** A conversation's list entry changed (last message, unread count, typing, name…). */
  conversation: ConversationView;
  /** The conversation list was reloaded. */
  conversations: ConversationView[];
  /** An own message changed state (pending → sent → placed, or failed). */
  pending: PendingMessage & { placed?: boolean };
  /** A member's watermark moved (delivered/read ticks, unread counts). */
  receipt: ReceiptFrame;
  /** The set of typists of a conversation changed. */
  typing: { conversationId: string; userIds: string[] };
  /** Presence of some users changed (or an answer to subscribe/query arrived). */
  presence: Presence[];
  /** The server confirmed your presence setting (the answer to `setPresenceVisibility`/`setPresenceHidden`). */
  presenceSettings: { visibility: PresenceVisibility; hidden: boolean };
  /** An error frame that answered no request of the app (typing, a receipt…). */
  error: ErrorFrame;
  /** A sync (with all its `more` pages) finished: what the device holds is what the server said. */
  synced: { conversations: string[] };
  /** The token was refused or expired, and could not be refreshed: log in again ({@link ParleyClient.login}). */
  authExpired: { reason: string };
  /**
   * The session was renewed (a refresh, or a password change): persist it in place of the old one.
   * The old session's refresh token is used up; presenting it again would end the login.
   */
  session: Session;
}

export interface ParleyClientOptions {
  /** The gateway's URL (`http://localhost:8080`); '' (default) for the page's own origin. */
  baseUrl?: string;
  /** Where messages and pending sends are kept: {@link MemoryStore} unless given. */
  store?: ParleyStore;
  /** Opens WebSockets: `globalThis.WebSocket` unless given (Node 20: pass `url => new WebSocket(url)` of the ws package). */
  webSocket?: WebSocketFactory;
  fetch?: FetchLike;
  /** Messages per `sync_result` page (1–500; default 100). */
  syncLimit?: number;
  /** A dead connection is one whose `pong` has not come this long after a `ping` (default 10 s). */
  pongTimeoutMs?: number;
  /** Heartbeat interval before `welcome` says otherwise (ms). */
  heartbeatIntervalMs?: number;
  /** How long to wait for `welcome` after opening the socket (default 15 s). */
  welcomeTimeoutMs?: number;
  /** Delivered receipts are sent at most this often per conversation (default 1 s). */
  deliveredDebounceMs?: number;
  /** Reconnect back-off: first step and cap (ms). */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * Called when the token has expired or was refused and the session's refresh token could not
   * renew it (or it has none); return a new session to go on without asking the user.
   */
  reauthenticate?: () => Promise<Session | undefined>;
}

/** Refused before anything was sent (blank or too long text, not logged in). */
export class ParleyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ParleyError';
  }
}

const RETRYABLE = new Set(['unavailable', 'too_many_requests']);

/** Sentences for the error codes of docs/protocol.md, for people. */
export function describeError(code: string, fallback?: string): string {
  switch (code) {
    case 'text_too_long':
      return 'The message is too long.';
    case 'unknown_recipient':
      return 'That user does not exist.';
    case 'unknown_conversation':
      return 'You are no longer a member of this conversation.';
    case 'unavailable':
      return 'The server is busy; the message will be sent again.';
    case 'too_many_requests':
      return 'Sending too fast; the message will be sent again.';
    case 'invalid_field':
    case 'missing_field':
      return fallback ?? 'The app sent something the server did not accept.';
    default:
      return fallback ?? code;
  }
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * A Parley client for one user on one device: REST (sign-up, login, conversations, history,
 * groups) and the WebSocket protocol v1 with everything docs/protocol.md asks of a client:
 * discovery, welcome, sync by cursors with `more` paging, gap detection, pending sends resent
 * with the same id, heartbeats and dead-connection detection, reconnect with back-off and jitter
 * on `reconnect`/1012/1013/any loss, receipts, unread counts, typing and presence.
 */
export class ParleyClient extends Emitter<ParleyEvents> {
  readonly rest: RestClient;
  private readonly store: ParleyStore;
  private readonly openSocket: WebSocketFactory;
  private readonly options: Required<
    Pick<ParleyClientOptions, 'syncLimit' | 'pongTimeoutMs' | 'heartbeatIntervalMs' | 'welcomeTimeoutMs' | 'deliveredDebounceMs'>
  > &
    ParleyClientOptions;

  private session: Session | undefined;
  /** The refresh in flight: refresh tokens are single use, so there is never more than one. */
  private refreshing: Promise<Renewal> | undefined;
  /** The access token the current socket was opened with (a 4001 after a refresh needs no other). */
  private socketToken: string | undefined;
  private loaded: Promise<void> | undefined;

  // state of the device, per conversation
  private readonly replicas = new Map<string, ConversationReplica>();
  private readonly views = new Map<string, ConversationView>();
  /** unread offset per conversation: messages before the user joined, which never count (docs/api.md). */
  private readonly unreadOffset = new Map<string, number>();
  private readonly marksBy = new Map<string, Map<string, Marks>>();
  private readonly pendingById = new Map<string, PendingMessage>();
  /** server ids of own acked messages not placed yet */
  private readonly ownUnplaced = new Set<string>();
  private readonly presenceBy = new Map<string, Presence>();

  // connection state
  private wantConnected = false;
  private generation = 0;
  private socket: WebSocketLike | undefined;
  private welcome: Welcome | undefined;
  private state: ConnectionState = 'offline';
  private lastReason: string | undefined;
  private readonly backoff: Backoff;
  private wake: (() => void) | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private pongDeadline: ReturnType<typeof setTimeout> | undefined;
  private lastSentAt = 0;
  private syncInFlight = false;
  /** client id of the send on the wire, not answered yet */
  private inFlight: string | undefined;
  private syncWanted = false;
  private syncConversations = new Set<string>();
  private ownRetrySyncs = 0;
  private presenceWanted = false;
  private presenceSubscribeId: string | undefined;
  /** Open presence queries by frame id: each settles on its answer, its error, or the connection's end. */
  private readonly presenceQueries = new Map<
    string,
    { resolve: (users: Presence[]) => void; reject: (error: ParleyError) => void }
  >();
  private readonly deliveredSent = new Map<string, number>();
  private readonly deliveredTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private conversationsRefresh: ReturnType<typeof setTimeout> | undefined;
  private readonly welcomeWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  private readonly typingIn: TypingTracker;
  private readonly typingOut: TypingThrottle;

  constructor(options: ParleyClientOptions = {}) {
    super();
    this.options = {
      syncLimit: 100,
      pongTimeoutMs: 10_000,
      heartbeatIntervalMs: 15_000,
      welcomeTimeoutMs: 15_000,
      deliveredDebounceMs: 1000,
      ...options,
    };
    this.store = options.store ?? new MemoryStore();
    this.rest = new RestClient({
      baseUrl: options.baseUrl ?? '',
      fetch: options.fetch,
      token: () => this.session?.accessToken,
      onUnauthorized: () => this.emit('authExpired', { reason: 'The server refused the token.' }),
    });
    const factory = options.webSocket;
    this.openSocket =
      factory ??
      ((url: string) => {
        const Ws = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
        if (!Ws) throw new ParleyError('no_websocket', 'No WebSocket here: pass options.webSocket (e.g. the ws package in Node 20).');
        return new Ws(url);
      });
    this.backoff = new Backoff(options.backoff);
    this.typingIn = new TypingTracker((conversationId, userIds) => {
      const view = this.views.get(conversationId);
      if (view) {
        view.typing = userIds;
        this.emit('conversation', view);
      }
      this.emit('typing', { conversationId, userIds });
    });
    this.typingOut = new TypingThrottle((conversationId, state) => {
      this.write({ type: 'typing', conversationId, state });
    });
  }

  // --- accounts -------------------------------------------------------------------------------

  /** Creates an account (`POST /api/users`). Does not log in. */
  signUp(username: string, password: string, displayName: string): Promise<User> {
    return this.rest.signUp(username, password, displayName);
  }

  /** Logs in and keeps the token for REST and the socket. */
  async login(username: string, password: string): Promise<Session> {
    const session = await this.rest.login(username, password);
    this.useSession(session);
    return session;
  }

  /** Uses a session kept from an earlier login (e.g. in localStorage), if it has not expired. */
  useSession(session: Session): void {
    this.session = session;
  }

  get currentSession(): Session | undefined {
    return this.session;
  }

  get userId(): string | undefined {
    return this.session?.userId;
  }

  /**
   * Changes the password (`POST /api/auth/password`): every login of the user ends (other devices
   * must log in again); this client goes on with the new session it answers (also emitted as `session`).
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<Session> {
    const session = await this.rest.changePassword(currentPassword, newPassword);
    this.session = session;
    this.emit('session', session);
    return session;
  }

  /**
   * Closes the connection, ends the login on the server (its refresh token stops working; best
   * effort) and forgets the token and everything stored for this user.
   */
  async logout(): Promise<void> {
    const refreshToken = this.session?.refreshToken;
    this.close();
    this.session = undefined;
    if (refreshToken) {
      try {
        await this.rest.logout(refreshToken);
      } catch {
        // unreachable: the login then ends when its refresh token expires
      }
    }
    await this.store.clear();
    this.replicas.clear();
    this.views.clear();
    this.pendingById.clear();
    this.marksBy.clear();
    this.presenceBy.clear();
    this.loaded = undefined;
  }

  // --- connection -----------------------------------------------------------------------------

  /**
   * Loads the store, then connects (discovery, WebSocket, welcome) and keeps the connection up
   * until {@link close}: reconnects by itself. Resolves at the first `welcome`.
   */
  async connect(): Promise<void> {
    if (!this.session) throw new ParleyError('not_logged_in', 'Log in first.');
    await this.load();
    const welcomed = new Promise<void>((resolve, reject) => this.welcomeWaiters.push({ resolve, reject }));
    if (!this.wantConnected) {
      this.wantConnected = true;
      this.watchNetwork();
      void this.loop();
    } else if (this.state === 'online') {
      return;
    }
    return welcomed;
  }

  /** Stops: closes the socket, no more reconnects. Pending messages stay pending (in the store). */
  close(): void {
    this.wantConnected = false;
    this.unwatchNetwork?.();
    this.generation++;
    const socket = this.socket;
    this.dropSocket();
    this.socketEnded?.({ code: 1000, reason: 'closed by the app', welcomed: false });
    try {
      socket?.close(1000, 'closed by the app');
    } catch {
      // already closed
    }
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.deliveredTimers.values()) clearTimeout(t);
    this.deliveredTimers.clear();
    if (this.conversationsRefresh) clearTimeout(this.conversationsRefresh);
    this.typingIn.clear();
    this.typingOut.clear();
    this.wake?.();
    this.setState('offline');
    for (const w of this.welcomeWaiters.splice(0)) w.reject(new ParleyError('closed', 'The client was closed.'));
  }

  private unwatchNetwork: (() => void) | undefined;

  /**
   * In a browser, the `offline` event drops the connection at once (instead of waiting for a
   * missing pong) and `online` skips the back-off wait.
   */
  private watchNetwork(): void {
    const win = globalThis as {
      addEventListener?: (e: string, f: () => void) => void;
      removeEventListener?: (e: string, f: () => void) => void;
    };
    if (!win.addEventListener || this.unwatchNetwork) return;
    const offline = () => {
      if (this.socket) this.dropConnection('the network is offline');
    };
    const online = () => this.reconnectNow();
    win.addEventListener('offline', offline);
    win.addEventListener('online', online);
    this.unwatchNetwork = () => {
      win.removeEventListener?.('offline', offline);
      win.removeEventListener?.('online', online);
      this.unwatchNetwork = undefined;
    };
  }

  /** Skips the back-off wait (e.g. the browser says the network is back). */
  reconnectNow(): void {
    this.backoff.reset();
    this.wake?.();
  }

  /** Drops the current connection at once, as a lost network would, and reconnects (back-off applies). */
  dropConnection(reason = 'connection dropped'): void {
    this.lastReason = reason;
    const socket = this.socket;
    this.generation++;
    this.dropSocket();
    this.socketEnded?.({ code: 4000, reason, welcomed: false });
    try {
      socket?.close();
    } catch {
      // ignore
    }
  }

  get connection(): ConnectionInfo {
    return {
      state: this.state,
      node: this.state === 'online' ? this.welcome?.node : undefined,
      pending: this.pendingCount(),
      reason: this.lastReason,
    };
  }

  /** The `welcome` of the current session (limits, intervals); undefined while not connected. */
  get welcomeInfo(): Welcome | undefined {
    return this.welcome;
  }

  private socketEnded: ((end: SocketEnd) => void) | undefined;

  private async loop(): Promise<void> {
    while (this.wantConnected) {
      this.setState(this.state === 'offline' || this.state === 'connecting' ? 'connecting' : 'reconnecting');
      let end: SocketEnd;
      try {
        await this.ensureFreshToken();
        const server = await this.rest.chatServer();
        if (!this.wantConnected) break;
        end = await this.runSocket(server.url);
      } catch (e) {
        if (e instanceof ParleyApiError && e.status === 401) {
          end = { code: 1008, reason: 'token refused', welcomed: false };
        } else {
          end = { code: 0, reason: e instanceof ParleyApiError ? e.userMessage : String((e as Error).message ?? e), welcomed: false };
        }
      }
      if (!this.wantConnected) break;
      if (end.code === TOKEN_EXPIRED && this.session?.accessToken && this.session.accessToken !== this.socketToken) {
        continue; // renewed meanwhile (on token_expiring): reconnect with the new token at once
      }
      if (end.code === 1008 || end.code === TOKEN_EXPIRED) {
        const renewed = await this.tryReauthenticate();
        if (renewed === 'refused') {
          this.wantConnected = false;
          this.lastReason = end.code === TOKEN_EXPIRED && end.reason === TOKEN_REVOKED_REASON
            ? 'You were signed out (a logout, or a password change). Please log in again.'
            : 'Your session has expired. Please log in again.';
          this.emit('authExpired', { reason: this.lastReason });
          for (const w of this.welcomeWaiters.splice(0)) w.reject(new ParleyError('auth_expired', this.lastReason));
          break;
        }
        if (renewed === 'renewed') continue;
        // unreachable: back off and try again below
      }
      this.lastReason = describeClose(end);
      const delay = this.backoff.next();
      this.setState('reconnecting', delay);
      await this.sleep(delay);
    }
    if (this.state !== 'offline') this.setState('offline');
  }

  private async ensureFreshToken(): Promise<void> {
    const session = this.session;
    if (session && session.expiresAt - Date.now() < 30_000) {
      const renewed = await this.tryReauthenticate();
      if (renewed === 'unreachable') throw new ParleyApiError(0, 'Network error', 'The token could not be refreshed.');
      if (renewed === 'refused') throw new ParleyApiError(401, 'Unauthorized', 'The token has expired.');
    }
  }

  /** A new session: by the refresh token first, then by `options.reauthenticate`. */
  private async tryReauthenticate(): Promise<Renewal> {
    const refreshed = await this.refreshOnce();
    if (refreshed !== 'refused') return refreshed;
    if (!this.options.reauthenticate) return 'refused';
    try {
      const session = await this.options.reauthenticate();
      if (session) {
        this.session = session;
        return 'renewed';
      }
    } catch {
      // fall through
    }
    return 'refused';
  }

  /** Refreshes the session, joining the refresh in flight if there is one (docs/api.md: one at a time). */
  private refreshOnce(): Promise<Renewal> {
    if (!this.refreshing) {
      this.refreshing = this.refreshSession().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private async refreshSession(): Promise<Renewal> {
    const session = this.session;
    const refreshToken = session?.refreshToken;
    if (!session || !refreshToken) return 'refused';
    try {
      const next = await this.rest.refresh(refreshToken);
      if (this.session !== session) return 'refused'; // logged out or replaced meanwhile
      this.session = next;
      this.emit('session', next);
      return 'renewed';
    } catch (e) {
      if (e instanceof ParleyApiError && (e.status === 0 || e.status === 429 || e.status >= 500)) return 'unreachable';
      // Refused: the login is over (expired, logged out, revoked). Never present that token again.
      if (this.session === session) this.session = { ...session, refreshToken: undefined };
      return 'refused';
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      this.wake = done;
      function cleanup(self: ParleyClient) {
        clearTimeout(timer);
        self.timers.delete(timer);
        self.wake = undefined;
      }
      const self = this;
      function done() {
        cleanup(self);
        resolve();
      }
    });
  }

  /** Opens one socket; resolves when it has ended, however it ended. */
  private runSocket(url: string): Promise<SocketEnd> {
    const gen = ++this.generation;
    const token = this.session?.accessToken ?? '';
    this.socketToken = token;
    const full = `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
    return new Promise<SocketEnd>((resolve) => {
      let welcomed = false;
      let settled = false;
      const finish = (end: SocketEnd) => {
        if (settled) return;
        settled = true;
        clearTimeout(welcomeTimer);
        if (this.generation === gen) {
          this.generation++;
          this.dropSocket();
        }
        if (this.socketEnded === finishWith) this.socketEnded = undefined;
        resolve({ ...end, welcomed: welcomed || end.welcomed });
      };
      const finishWith = (end: SocketEnd) => finish(end);
      this.socketEnded = finishWith;
      let socket: WebSocketLike;
      try {
        socket = this.openSocket(full);
      } catch (e) {
        finish({ code: 0, reason: String((e as Error).message ?? e), welcomed: false });
        return;
      }
      this.socket = socket;
      const welcomeTimer = setTimeout(() => {
        finish({ code: 0, reason: 'no welcome from the chat node', welcomed: false });
        try {
          socket.close();
        } catch {
          // ignore
        }
      }, this.options.welcomeTimeoutMs);
      socket.onmessage = (event) => {
        if (this.generation !== gen) return;
        let frame: ServerFrame;
        try {
          frame = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data)) as ServerFrame;
        } catch {
          return; // not JSON: not v1; ignore
        }
        if (frame.type === 'welcome') {
          welcomed = true;
          clearTimeout(welcomeTimer);
        }
        if (frame.type === 'reconnect') {
          // The node drains: ask discovery again right away (the 1012 close follows anyway).
          this.lastReason = 'The chat server is restarting; reconnecting.';
          finish({ code: 1012, reason: 'draining', welcomed });
          try {
            socket.close(1000, 'draining');
          } catch {
            // ignore
          }
          return;
        }
        this.onFrame(frame);
      };
      socket.onclose = (event) => finish({ code: event.code, reason: event.reason, welcomed });
      socket.onerror = () => {
        // onclose follows; nothing to do here
      };
    });
  }

  private dropSocket(): void {
    const socket = this.socket;
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      socket.onopen = null;
    }
    this.socket = undefined;
    this.welcome = undefined;
    // An answer can only come on the connection that was asked.
    for (const query of this.presenceQueries.values()) {
      query.reject(new ParleyError('offline', 'The connection ended before the answer.'));
    }
    this.presenceQueries.clear();
    this.syncInFlight = false;
    this.syncWanted = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (this.pongDeadline) clearTimeout(this.pongDeadline);
    this.pongDeadline = undefined;
    this.presenceSubscribeId = undefined;
    this.inFlight = undefined;
    this.typingOut.clear();
  }

  private setState(state: ConnectionState, nextRetryInMs?: number): void {
    this.state = state;
    const info = this.connection;
    this.lastConnectionKey = `${info.state}|${info.node}|${info.pending}`;
    this.emit('connection', { ...info, nextRetryInMs });
  }

  private write(frame: object): boolean {
    const socket = this.socket;
    if (!socket || !this.welcome || socket.readyState !== 1) return false;
    try {
      socket.send(JSON.stringify(frame));
      this.lastSentAt = Date.now();
      return true;
    } catch {
      return false;
    }
  }

  private startHeartbeat(intervalMs: number): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    // Check often; ping when nothing was sent for the interval, or always at the interval when
    // waiting for nothing: a ping's pong is how a dead connection is noticed.
    const tick = Math.max(20, Math.min(intervalMs, this.options.pongTimeoutMs) / 2);
    let lastPing = Date.now();
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      if (this.pongDeadline) return;
      if (now - this.lastSentAt >= intervalMs || now - lastPing >= intervalMs) {
        lastPing = now;
        this.ping();
      }
    }, tick);
  }

  private ping(): void {
    if (!this.write({ type: 'ping' })) return;
    if (this.pongDeadline) return;
    this.pongDeadline = setTimeout(() => {
      this.pongDeadline = undefined;
      this.dropConnection('no answer from the chat server');
    }, this.options.pongTimeoutMs);
  }

  // --- frames ---------------------------------------------------------------------------------

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        return this.onWelcome(frame);
      case 'message':
        return this.onLive(frame.message);
      case 'sync_result':
        return this.onSyncResult(frame.messages, frame.more);
      case 'ack':
        return this.onAck(frame.id, frame.messageId, frame.conversationId, frame.sentAt);
      case 'error':
        return this.onError(frame);
      case 'pong':
        if (this.pongDeadline) clearTimeout(this.pongDeadline);
        this.pongDeadline = undefined;
        return;
      case 'receipt':
        return this.onReceipt(frame);
      case 'typing':
        if (frame.userId === this.userId) return;
        if (frame.state === 'stop') this.typingIn.stop(frame.conversationId, frame.userId);
        else this.typingIn.start(frame.conversationId, frame.userId, frame.expiresInMs ?? 6000);
        return;
      case 'presence':
        return this.onPresence(frame.users, frame.ref);
      case 'presence_settings':
        this.emit('presenceSettings', { visibility: frame.visibility, hidden: frame.hidden });
        return;
      case 'token_expiring':
        // Renew now, so the reconnect at the 4001 close needs no round trip (errors: handled then).
        void this.refreshOnce();
        return;
      default:
        return; // unknown frames are ignored (docs/protocol.md, Global rules)
    }
  }

  private onWelcome(welcome: Welcome): void {
    this.welcome = welcome;
    this.backoff.reset();
    this.lastReason = undefined;
    this.ownRetrySyncs = 0;
    this.typingOut.intervalMs = welcome.typingIntervalSeconds * 1000;
    this.startHeartbeat((welcome.heartbeatIntervalSeconds || this.options.heartbeatIntervalMs / 1000) * 1000);
    this.setState('online');
    this.requestSync();
    this.pump(); // resends every pending message, oldest first, with its original id
    if (this.presenceWanted) this.sendPresenceSubscribe(true);
    for (const w of this.welcomeWaiters.splice(0)) w.resolve();
    if (this.views.size === 0) void this.refreshConversations().catch(() => undefined);
  }

  // --- messages, cursors, sync ------------------------------------------------------------------

  private replica(conversationId: string): ConversationReplica {
    let r = this.replicas.get(conversationId);
    if (!r) {
      r = new ConversationReplica(conversationId);
      this.replicas.set(conversationId, r);
    }
    return r;
  }

  /** Per conversation, the highest seq held without a hole below it. */
  cursors(): Record<string, string> {
    const cursors: Record<string, string> = {};
    for (const [id, r] of this.replicas) {
      if (r.cursor > 0) cursors[id] = String(r.cursor);
    }
    return cursors;
  }

  /** Asks for a sync now, or as soon as the running one is answered. */
  requestSync(): void {
    if (!this.welcome) return; // the next welcome syncs anyway
    if (this.syncInFlight) {
      this.syncWanted = true;
      return;
    }
    this.syncInFlight = true;
    this.syncWanted = false;
    if (!this.write({ type: 'sync', cursors: this.cursors(), limit: this.options.syncLimit })) {
      this.syncInFlight = false;
    }
  }

  private onSyncResult(messages: Message[], more: boolean): void {
    const placed = this.applyAll(messages, 'sync');
    for (const id of placed) this.syncConversations.add(id);
    this.syncInFlight = false;
    const anyGap = [...this.replicas.values()].some((r) => r.hasGap());
    if (more || this.syncWanted || anyGap) {
      this.requestSync();
      return;
    }
    this.emit('synced', { conversations: [...this.syncConversations] });
    this.syncConversations.clear();
    if (this.ownUnplaced.size > 0 && this.ownRetrySyncs < 50) {
      // Acked but not sequenced yet (the ack comes before the sequencer runs), and its live copy
      // may have been lost: ask again shortly.
      this.ownRetrySyncs++;
      this.later(() => this.requestSync(), 300);
    }
  }

  private onLive(message: Message): void {
    const gap = this.applyAll([message], 'live').length > 0 && this.replica(message.conversationId).hasGap();
    if (gap) this.requestSync();
  }

  /** Applies messages; returns the conversations that got something new. */
  private applyAll(messages: Message[], source: 'live' | 'sync' | 'history'): string[] {
    const fresh: Message[] = [];
    const touched = new Set<string>();
    for (const message of messages) {
      const replica = this.replica(message.conversationId);
      if (replica.apply(message) === 'duplicate') continue;
      fresh.push(message);
      touched.add(message.conversationId);
      if (message.senderId === this.userId) this.placedOwn(message);
      if (message.senderId) this.typingIn.stop(message.conversationId, message.senderId);
      this.updateViewWith(message);
      this.emit('message', { message, source });
    }
    if (fresh.length > 0) {
      void this.store.putMessages(fresh).catch((e) => console.error('parley: store.putMessages failed', e));
    }
    for (const id of touched) {
      this.emit('timeline', { conversationId: id });
      if (source !== 'history') this.scheduleDelivered(id);
    }
    return [...touched];
  }

  private placedOwn(message: Message): void {
    this.ownUnplaced.delete(message.messageId);
    const own = this.marks(message.conversationId).get(message.senderId) ?? { delivered: 0, read: 0 };
    own.delivered = Math.max(own.delivered, message.seq);
    own.read = Math.max(own.read, message.seq);
    this.marks(message.conversationId).set(message.senderId, own);
    const id = message.clientMessageId;
    if (id && this.pendingById.has(id)) {
      const pending = this.pendingById.get(id)!;
      this.pendingById.delete(id);
      void this.store.deletePending(id).catch(() => undefined);
      this.emit('pending', { ...pending, state: 'sent', messageId: message.messageId, placed: true });
      this.emitConnection();
    }
  }

  private updateViewWith(message: Message): void {
    let view = this.views.get(message.conversationId);
    if (!view) {
      view = {
        conversationId: message.conversationId,
        kind: message.kind === 'system' && message.system?.event === 'group_created' ? 'group' : 'direct',
        removed: false,
        lastSeq: 0,
        readSeq: 0,
        unreadCount: 0,
        typing: [],
      };
      this.views.set(message.conversationId, view);
      this.scheduleConversationsRefresh();
    }
    if (message.seq > view.lastSeq) {
      view.lastSeq = message.seq;
      view.lastActivityAt = message.sentAt;
      view.lastMessage = lastMessageOf(message);
      if (message.kind === 'system' && message.system?.event === 'group_renamed' && message.system.name) {
        view.name = message.system.name;
      }
    }
    if (message.senderId === this.userId) view.readSeq = Math.max(view.readSeq, message.seq);
    this.recountUnread(view);
    this.emit('conversation', view);
  }

  private recountUnread(view: ConversationView): void {
    const offset = this.unreadOffset.get(view.conversationId) ?? 0;
    view.unreadCount = Math.max(0, view.lastSeq - view.readSeq - offset);
  }

  /** The messages held in a conversation, ascending by seq. */
  messages(conversationId: string): Message[] {
    return this.replicas.get(conversationId)?.messages() ?? [];
  }

  /** What to show: held messages by seq, then own messages not placed yet (pending, sent, failed). */
  timeline(conversationId: string): TimelineItem[] {
    const items: TimelineItem[] = this.messages(conversationId).map((message) => ({
      kind: 'message' as const,
      message,
      mine: message.senderId === this.userId,
    }));
    for (const pending of this.pendingById.values()) {
      if (pending.conversationId === conversationId) items.push({ kind: 'pending', pending });
    }
    return items;
  }

  /** Cursor of one conversation (0: nothing held). */
  cursor(conversationId: string): number {
    return this.replicas.get(conversationId)?.cursor ?? 0;
  }

  /**
   * Loads older messages from REST history (scrolling up) when the device does not hold them.
   * Returns how many were added; 0 when it already holds everything from seq 1.
   */
  async loadOlder(conversationId: string, limit = 50): Promise<number> {
    const replica = this.replica(conversationId);
    if (replica.minSeq === 1) return 0;
    const page = await this.rest.history(conversationId, replica.minSeq > 1 ? { before: replica.minSeq, limit } : { limit });
    return this.applyAll(page.messages, 'history').length > 0 ? page.messages.length : 0;
  }

  // --- sending --------------------------------------------------------------------------------

  /**
   * Sends a text message: kept as pending (in the store) before it is sent, resent with the
   * same id after a reconnect or a retryable error, until its `ack`; placed by seq when its
   * `message` frame (or a sync) brings it. Works offline: sent once connected.
   */
  async send(target: { conversationId: string } | { to: string }, text: string): Promise<PendingMessage> {
    if (text.trim().length === 0) throw new ParleyError('invalid_field', 'The message is empty.');
    const max = this.welcome?.maxTextLength;
    if (max !== undefined && codePoints(text) > max) {
      throw new ParleyError('text_too_long', `The message is longer than ${max} characters.`);
    }
    const pending: PendingMessage = {
      clientMessageId: newKey(),
      ...('conversationId' in target ? { conversationId: target.conversationId } : { to: target.to }),
      text,
      createdAt: Date.now(),
      state: 'pending',
    };
    this.pendingById.set(pending.clientMessageId, pending);
    await this.store.putPending(pending);
    if (pending.conversationId) {
      this.typingOut.sent(pending.conversationId);
      this.emit('timeline', { conversationId: pending.conversationId });
    }
    this.emit('pending', pending);
    this.emitConnection();
    this.pump();
    return pending;
  }

  /** Sends a failed message again (a new attempt under the same id). */
  retry(clientMessageId: string): void {
    const pending = this.pendingById.get(clientMessageId);
    if (!pending || pending.state !== 'failed') return;
    pending.state = 'pending';
    pending.error = undefined;
    void this.store.putPending(pending);
    this.emit('pending', pending);
    this.pump();
  }

  /** Forgets a failed message. */
  discard(clientMessageId: string): void {
    const pending = this.pendingById.get(clientMessageId);
    if (!pending) return;
    this.pendingById.delete(clientMessageId);
    void this.store.deletePending(clientMessageId);
    if (pending.conversationId) this.emit('timeline', { conversationId: pending.conversationId });
    this.emitConnection();
  }

  /** Own messages not acked yet, oldest first. */
  pendingMessages(): PendingMessage[] {
    return [...this.pendingById.values()];
  }

  private pendingCount(): number {
    let n = 0;
    for (const p of this.pendingById.values()) if (p.state === 'pending') n++;
    return n;
  }

  private lastConnectionKey = '';

  /** Emits `connection` when what it reports (state, node, pending count) changed. */
  private emitConnection(): void {
    const info = this.connection;
    const key = `${info.state}|${info.node}|${info.pending}`;
    if (key === this.lastConnectionKey) return;
    this.lastConnectionKey = key;
    this.emit('connection', info);
  }

  /**
   * Puts the oldest unacked message on the wire when none is out. One at a time: a retried send
   * (after `unavailable`, `too_many_requests` or a lost connection) would otherwise be sequenced
   * after messages written later, and the user's own messages would change order.
   */
  private pump(): void {
    if (this.inFlight || !this.welcome) return;
    const next = [...this.pendingById.values()]
      .filter((p) => p.state === 'pending')
      .sort((a, b) => a.createdAt - b.createdAt)[0];
    if (!next) return;
    this.inFlight = next.clientMessageId;
    this.transmit(next);
  }

  private transmit(pending: PendingMessage): void {
    const frame: Record<string, unknown> = { type: 'send', id: pending.clientMessageId, text: pending.text };
    if (pending.conversationId) frame.conversationId = pending.conversationId;
    else frame.to = pending.to;
    // The server looks up an id it may have accepted before only when told (docs/protocol.md, `send`).
    if (pending.transmitted) frame.resend = true;
    else {
      pending.transmitted = true;
      void this.store.putPending(pending); // an app restart resends it marked
    }
    this.write(frame); // not connected: the next welcome resends it
  }

  private answered(clientMessageId: string): void {
    if (this.inFlight === clientMessageId) {
      this.inFlight = undefined;
      this.pump();
    }
  }

  private onAck(id: string, messageId: string, conversationId: string, sentAt: number): void {
    const pending = this.pendingById.get(id);
    if (!pending || pending.state !== 'pending') {
      this.answered(id);
      return; // already acked or placed (a resend's ack)
    }
    pending.state = 'sent';
    pending.messageId = messageId;
    pending.sentAt = sentAt;
    const newConversation = !pending.conversationId;
    pending.conversationId = conversationId;
    if (this.replica(conversationId).findByClientMessageId(this.userId ?? '', id)) {
      // Its sequenced copy came first (by a sync after a reconnect).
      this.pendingById.delete(id);
      void this.store.deletePending(id);
      this.emit('pending', { ...pending, placed: true });
    } else {
      this.ownUnplaced.add(messageId);
      void this.store.putPending(pending);
      this.emit('pending', pending);
    }
    this.emit('timeline', { conversationId });
    this.emitConnection();
    if (newConversation && !this.views.has(conversationId)) this.scheduleConversationsRefresh();
    this.answered(id);
  }

  private onError(error: ErrorFrame): void {
    const pending = error.ref ? this.pendingById.get(error.ref) : undefined;
    if (pending) {
      if (RETRYABLE.has(error.code)) {
        const gen = this.generation;
        this.later(() => {
          if (this.generation === gen && this.inFlight === pending.clientMessageId) {
            this.transmit(pending); // the same frame, the same id
          }
        }, 500 + Math.random() * 500);
      } else {
        pending.state = 'failed';
        pending.error = { code: error.code, message: describeError(error.code, error.message) };
        this.answered(pending.clientMessageId);
        void this.store.putPending(pending);
        this.emit('pending', pending);
        if (pending.conversationId) this.emit('timeline', { conversationId: pending.conversationId });
        this.emitConnection();
      }
      return;
    }
    if (!error.ref && this.syncInFlight && (RETRYABLE.has(error.code) || error.field === 'cursors' || error.field === 'limit')) {
      // The sync frame has no id: an error without ref while a sync is out is its answer.
      this.syncInFlight = false;
      if (RETRYABLE.has(error.code)) this.later(() => this.requestSync(), 1000);
      else this.emit('error', error);
      return;
    }
    const query = error.ref ? this.presenceQueries.get(error.ref) : undefined;
    if (query) {
      // Refused (too many presence requests, or a bad id): the caller decides whether to ask again.
      this.presenceQueries.delete(error.ref!);
      query.reject(new ParleyError(error.code, describeError(error.code, error.message)));
      return;
    }
    if (error.ref && this.receiptRefs.has(error.ref)) {
      const receipt = this.receiptRefs.get(error.ref)!;
      this.receiptRefs.delete(error.ref);
      if (RETRYABLE.has(error.code)) this.later(() => this.sendReceipt(receipt.conversationId, receipt.status, receipt.seq), 1000);
      return;
    }
    this.emit('error', error);
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  // --- receipts and unread counts ---------------------------------------------------------------

  private readonly receiptRefs = new Map<string, { conversationId: string; status: 'delivered' | 'read'; seq: number }>();

  private marks(conversationId: string): Map<string, Marks> {
    let m = this.marksBy.get(conversationId);
    if (!m) {
      m = new Map();
      this.marksBy.set(conversationId, m);
    }
    return m;
  }

  /** Every member's marks known to this device (from {@link loadReceipts} and `receipt` frames). */
  memberMarks(conversationId: string): ReadonlyMap<string, Marks> {
    return this.marks(conversationId);
  }

  /** Loads every member's marks (`GET /api/conversations/{id}/receipts`). */
  async loadReceipts(conversationId: string): Promise<ReadonlyMap<string, Marks>> {
    const answer = await this.rest.receipts(conversationId);
    const marks = this.marks(conversationId);
    for (const m of answer.members) {
      const known = marks.get(m.userId) ?? { delivered: 0, read: 0 };
      marks.set(m.userId, { delivered: Math.max(known.delivered, m.deliveredSeq), read: Math.max(known.read, m.readSeq) });
    }
    this.emit('timeline', { conversationId });
    return marks;
  }

  /**
   * Ticks for an own message at `seq`: `read` when every other member whose marks are known has
   * read it, `delivered` when every one has received it, else `sent`; `readBy` counts readers.
   */
  messageStatus(conversationId: string, seq: number): { status: 'sent' | 'delivered' | 'read'; readBy: number; deliveredTo: number } {
    const others = [...this.marks(conversationId).entries()].filter(([userId]) => userId !== this.userId);
    const readBy = others.filter(([, m]) => m.read >= seq).length;
    const deliveredTo = others.filter(([, m]) => m.delivered >= seq).length;
    const status = others.length > 0 && readBy === others.length ? 'read' : others.length > 0 && deliveredTo === others.length ? 'delivered' : 'sent';
    return { status, readBy, deliveredTo };
  }

  private scheduleDelivered(conversationId: string): void {
    if (this.deliveredTimers.has(conversationId)) return;
    const timer = setTimeout(() => {
      this.deliveredTimers.delete(conversationId);
      const cursor = this.cursor(conversationId);
      const mine = this.marks(conversationId).get(this.userId ?? '')?.delivered ?? 0;
      if (cursor > (this.deliveredSent.get(conversationId) ?? 0) && cursor > mine) {
        if (this.sendReceipt(conversationId, 'delivered', cursor)) this.deliveredSent.set(conversationId, cursor);
      }
    }, this.options.deliveredDebounceMs);
    this.deliveredTimers.set(conversationId, timer);
  }

  /** The user has seen the conversation up to `seq` (default: everything held without a gap). */
  markRead(conversationId: string, seq = this.cursor(conversationId)): void {
    const view = this.views.get(conversationId);
    if (seq < 1 || (view && seq <= view.readSeq)) return;
    if (!this.sendReceipt(conversationId, 'read', seq)) return;
    if (view) {
      view.readSeq = seq;
      this.recountUnread(view);
      this.emit('conversation', view);
    }
  }

  private sendReceipt(conversationId: string, status: 'delivered' | 'read', seq: number): boolean {
    const id = `r-${newKey()}`;
    this.receiptRefs.set(id, { conversationId, status, seq });
    if (this.receiptRefs.size > 200) this.receiptRefs.delete(this.receiptRefs.keys().next().value as string);
    return this.write({ type: 'receipt', id, conversationId, status, seq });
  }

  private onReceipt(receipt: ReceiptFrame): void {
    const marks = this.marks(receipt.conversationId);
    const m = marks.get(receipt.userId) ?? { delivered: 0, read: 0 };
    if (receipt.status === 'read') {
      m.read = Math.max(m.read, receipt.seq);
      m.delivered = Math.max(m.delivered, receipt.seq);
    } else {
      m.delivered = Math.max(m.delivered, receipt.seq);
    }
    marks.set(receipt.userId, m);
    if (receipt.userId === this.userId) {
      const view = this.views.get(receipt.conversationId);
      if (view && receipt.status === 'read' && receipt.seq > view.readSeq) {
        view.readSeq = receipt.seq;
        this.recountUnread(view);
        this.emit('conversation', view);
      }
    }
    this.emit('receipt', receipt);
    this.emit('timeline', { conversationId: receipt.conversationId });
  }

  // --- conversation list ----------------------------------------------------------------------

  /** Reloads the conversation list (`GET /api/conversations`), merging what the socket told since. */
  async refreshConversations(): Promise<ConversationView[]> {
    const summaries = await this.rest.allConversations();
    for (const s of summaries) {
      const old = this.views.get(s.conversationId);
      const view: ConversationView = { ...s, typing: old?.typing ?? [] };
      this.unreadOffset.set(s.conversationId, Math.max(0, s.lastSeq - s.readSeq - s.unreadCount));
      if (old && old.lastSeq > view.lastSeq) {
        view.lastSeq = old.lastSeq;
        view.lastMessage = old.lastMessage;
        view.lastActivityAt = old.lastActivityAt;
      }
      view.readSeq = Math.max(view.readSeq, old?.readSeq ?? 0);
      // What the device holds is authoritative for the seqs it holds (the list may lag the socket).
      const replica = this.replicas.get(s.conversationId);
      const newest = replica?.get(replica.maxSeq);
      if (newest && newest.seq >= view.lastSeq) {
        view.lastSeq = newest.seq;
        view.lastMessage = lastMessageOf(newest);
        view.lastActivityAt = Math.max(view.lastActivityAt ?? 0, newest.sentAt);
      }
      this.recountUnread(view);
      this.views.set(s.conversationId, view);
      const mine = this.marks(s.conversationId).get(this.userId ?? '') ?? { delivered: 0, read: 0 };
      mine.read = Math.max(mine.read, view.readSeq);
      this.marks(s.conversationId).set(this.userId ?? '', mine);
    }
    // New conversations mean new contacts: a fresh subscribe answers with all of them.
    if (this.presenceWanted && this.welcome) this.sendPresenceSubscribe(true);
    const list = this.conversationList();
    this.emit('conversations', list);
    return list;
  }

  /** The conversation list, newest activity first. */
  conversationList(): ConversationView[] {
    return [...this.views.values()].sort(
      (a, b) => (b.lastActivityAt ?? 0) - (a.lastActivityAt ?? 0) || (b.conversationId > a.conversationId ? 1 : -1),
    );
  }

  conversation(conversationId: string): ConversationView | undefined {
    return this.views.get(conversationId);
  }

  private scheduleConversationsRefresh(): void {
    if (this.conversationsRefresh || !this.session) return;
    this.conversationsRefresh = setTimeout(() => {
      this.conversationsRefresh = undefined;
      void this.refreshConversations().catch(() => undefined);
    }, 300);
  }

  // --- groups ---------------------------------------------------------------------------------

  async createGroup(name: string, memberIds: string[]): Promise<Group> {
    const group = await this.rest.createGroup(name, memberIds);
    this.scheduleConversationsRefresh();
    return group;
  }

  /** The 1:1 conversation with a user, if it exists yet (else send with `to`). */
  async directConversationWith(userId: string): Promise<string | undefined> {
    try {
      return (await this.rest.directConversation(userId)).conversationId;
    } catch (e) {
      if (e instanceof ParleyApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  // --- typing ---------------------------------------------------------------------------------

  /** Call on every keystroke in a conversation's input: throttled `start`, `stop` after idleness. */
  typing(conversationId: string): void {
    this.typingOut.keystroke(conversationId);
  }

  /** The user cleared the input. */
  stopTyping(conversationId: string): void {
    this.typingOut.stop(conversationId);
  }

  /** Users typing in a conversation right now. */
  typists(conversationId: string): string[] {
    return this.typingIn.typists(conversationId);
  }

  // --- presence -------------------------------------------------------------------------------

  /** Starts (or stops) pushed presence of your contacts; renewed after every reconnect. */
  subscribePresence(enabled = true): void {
    this.presenceWanted = enabled;
    this.sendPresenceSubscribe(enabled);
  }

  private sendPresenceSubscribe(enabled: boolean): void {
    const id = `p-${newKey()}`;
    if (this.write(enabled ? { type: 'presence_subscribe', id } : { type: 'presence_subscribe', id, enabled: false })) {
      this.presenceSubscribeId = enabled ? id : undefined;
    }
  }

  /** Presence of specific users (at most 100), e.g. members of a large group on screen. */
  queryPresence(userIds: string[]): Promise<Presence[]> {
    const id = `q-${newKey()}`;
    return new Promise((resolve, reject) => {
      this.presenceQueries.set(id, { resolve, reject });
      if (!this.write({ type: 'presence_query', id, userIds })) {
        this.presenceQueries.delete(id);
        reject(new ParleyError('offline', 'Not connected.'));
      }
    });
  }

  /**
   * Chooses who sees your presence (all your devices): `contacts` (the default: people you have
   * sent a 1:1 message to), `conversations` or `nobody`. Confirmed by a `presenceSettings` event.
   */
  setPresenceVisibility(visibility: PresenceVisibility): boolean {
    return this.write({ type: 'presence_settings', id: `s-${newKey()}`, visibility });
  }

  /**
   * The older form of `setPresenceVisibility`: `true` = `nobody`, `false` = back to the default
   * (`contacts`, not `conversations`).
   */
  setPresenceHidden(hidden: boolean): boolean {
    return this.write({ type: 'presence_settings', id: `s-${newKey()}`, hidden });
  }

  presence(userId: string): Presence | undefined {
    return this.presenceBy.get(userId);
  }

  private onPresence(users: Presence[], ref?: string): void {
    if (ref && this.presenceQueries.has(ref)) {
      this.presenceQueries.get(ref)!.resolve(users);
      this.presenceQueries.delete(ref);
    }
    if (ref && ref === this.presenceSubscribeId) {
      this.presenceBy.clear(); // the answer replaces what was shown
    }
    for (const u of users) this.presenceBy.set(u.userId, u);
    this.emit('presence', users);
  }

  // --- store ----------------------------------------------------------------------------------

  private load(): Promise<void> {
    if (!this.loaded) {
      this.loaded = (async () => {
        const messages = await this.store.loadMessages();
        for (const m of messages) this.replica(m.conversationId).apply(m);
        for (const p of await this.store.loadPending()) this.pendingById.set(p.clientMessageId, p);
      })();
    }
    return this.loaded;
  }
}

function lastMessageOf(message: Message): LastMessage {
  return {
    messageId: message.messageId,
    seq: message.seq,
    senderId: message.senderId,
    kind: message.kind ?? 'text',
    text: message.text,
    textTruncated: false,
    system: message.system,
    sentAt: message.sentAt,
  };
}

/**
 * Close code of a session whose access token expired or whose login was revoked (docs/protocol.md,
 * "Token expiry"): both are handled alike, refresh then reconnect, or log in again if refused.
 */
const TOKEN_EXPIRED = 4001;
/** The reason of a 4001 for a revoked login (logout, password change): only the message differs. */
const TOKEN_REVOKED_REASON = 'token revoked';

/** How renewing a session went: `unreachable` is worth retrying, `refused` means log in again. */
type Renewal = 'renewed' | 'refused' | 'unreachable';

interface SocketEnd {
  code: number;
  reason: string;
  welcomed: boolean;
}

function describeClose(end: SocketEnd): string {
  switch (end.code) {
    case 1012:
      return 'The chat server is restarting; reconnecting.';
    case 1013:
      return 'The chat server is busy; trying again.';
    case 1001:
      return 'The connection was idle; reconnecting.';
    case 1009:
      return 'A message was too big for the server.';
    case TOKEN_EXPIRED:
      return end.reason === TOKEN_REVOKED_REASON
        ? 'The login was revoked; renewing the session.'
        : 'The session token expired; renewing it.';
    default:
      return end.reason ? `Connection lost (${end.reason}).` : 'Connection lost.';
  }
}
