import { ParleyClient, type ParleyClientOptions, type WebSocketLike } from '../../src/index.js';

/** A socket the test plays the server side of. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  closed = false;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closed = true;
    this.readyState = 3;
  }

  /** The server accepts the handshake and says welcome. */
  welcome(overrides: Record<string, unknown> = {}): void {
    this.readyState = 1;
    this.onopen?.({});
    this.frame({
      type: 'welcome', protocolVersion: 1, sessionId: '9', userId: '1', node: 'chat-x', maxFrameBytes: 16384,
      maxTextLength: 4000, heartbeatIntervalSeconds: 15, receiptsShared: true, typingIntervalSeconds: 3, ...overrides,
    });
  }

  frame(frame: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server side closes the connection. */
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  ofType(type: string): Array<Record<string, unknown>> {
    return this.sent.filter((f) => f.type === type);
  }
}

export interface Fixture {
  client: ParleyClient;
  sockets: FakeSocket[];
  discoveryCalls: () => number;
  last: () => FakeSocket;
  /** The refresh tokens presented to `POST /api/auth/refresh`, in order. */
  refreshCalls: string[];
  /** What `POST /api/auth/refresh` answers next (default: a new session numbered by the call). */
  refreshAnswer: { status: number; body?: unknown } | undefined;
  /** The refresh tokens presented to `POST /api/auth/logout`. */
  logoutCalls: string[];
}

/** A client logged in as user 1, whose REST answers are canned and whose sockets are fakes. */
export function fixture(options: ParleyClientOptions & { withRefreshToken?: boolean } = {}): Fixture {
  const sockets: FakeSocket[] = [];
  let discovery = 0;
  const refreshCalls: string[] = [];
  const logoutCalls: string[] = [];
  const fetchFake = async (url: string, init?: RequestInit): Promise<Response> => {
    if (url.endsWith('/api/auth/refresh')) {
      const presented = (JSON.parse(String(init?.body)) as { refreshToken: string }).refreshToken;
      refreshCalls.push(presented);
      const n = refreshCalls.length;
      const answer = f.refreshAnswer ?? {
        status: 200,
        body: { accessToken: `tok-${n}`, tokenType: 'Bearer', expiresIn: 900, userId: '1', refreshToken: `rt-${n}`, refreshExpiresIn: 2592000 },
      };
      return json(answer.body ?? { type: 'urn:parley:problem:unauthenticated', title: 'Unauthorized', status: answer.status, detail: 'The refresh token is invalid, expired or revoked; log in again.' }, answer.status);
    }
    if (url.endsWith('/api/auth/logout')) {
      logoutCalls.push((JSON.parse(String(init?.body)) as { refreshToken: string }).refreshToken);
      return new Response(null, { status: 204 });
    }
    if (url.endsWith('/api/discovery/chat-server')) {
      discovery++;
      return json({ nodeId: `chat-${discovery}`, url: `ws://node-${discovery}/ws/v1` });
    }
    if (url.includes('/api/conversations?')) return json({ conversations: [], nextCursor: null });
    return json({}, 404);
  };
  const client = new ParleyClient({
    baseUrl: 'http://gw',
    fetch: fetchFake as never,
    webSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    backoff: { initialMs: 10, maxMs: 40 },
    deliveredDebounceMs: 20,
    ...options,
  });
  client.useSession({
    accessToken: 'tok', tokenType: 'Bearer', expiresIn: 3600, userId: '1', expiresAt: Date.now() + 3_600_000,
    ...(options.withRefreshToken ? { refreshToken: 'rt-0', refreshExpiresIn: 2592000 } : {}),
  });
  const f: Fixture = {
    client, sockets, discoveryCalls: () => discovery, last: () => sockets[sockets.length - 1],
    refreshCalls, refreshAnswer: undefined, logoutCalls,
  };
  return f;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function msg(conversationId: string, seq: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { messageId: `${conversationId}${seq}`, conversationId, seq, senderId: '2', text: `t${seq}`, sentAt: 1000 + seq, ...extra };
}

export async function until(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
