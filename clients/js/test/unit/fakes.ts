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
}

/** A client logged in as user 1, whose REST answers are canned and whose sockets are fakes. */
export function fixture(options: ParleyClientOptions = {}): Fixture {
  const sockets: FakeSocket[] = [];
  let discovery = 0;
  const fetchFake = async (url: string): Promise<Response> => {
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
  client.useSession({ accessToken: 'tok', tokenType: 'Bearer', expiresIn: 3600, userId: '1', expiresAt: Date.now() + 3_600_000 });
  return { client, sockets, discoveryCalls: () => discovery, last: () => sockets[sockets.length - 1] };
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
