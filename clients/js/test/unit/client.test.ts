import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { MemoryStore, type ParleyClient, type Session } from '../../src/index.js';
import { fixture, msg, until } from './fakes.js';

const open: ParleyClient[] = [];
afterEach(() => open.splice(0).forEach((c) => c.close()));

function setup(options = {}) {
  const f = fixture(options);
  open.push(f.client);
  return f;
}

describe('ParleyClient against a fake server', () => {
  test('connect: asks discovery, passes the token in the URL, waits for welcome, then syncs from its cursors', async () => {
    const f = setup();
    const connected = f.client.connect();
    await until('a socket', () => f.sockets.length === 1);
    assert.equal(f.last().url, 'ws://node-1/ws/v1?access_token=tok');
    assert.equal(f.client.connection.state, 'connecting');
    f.last().welcome();
    await connected;
    assert.equal(f.client.connection.state, 'online');
    assert.deepEqual(f.last().ofType('sync'), [{ type: 'sync', cursors: {}, limit: 100 }]);
  });

  test('sync follows more with advanced cursors, and drops seqs it holds', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    const s = f.last();
    s.welcome();
    await c;
    s.frame({ type: 'sync_result', messages: [msg('7', 1), msg('7', 2)], more: true });
    assert.deepEqual(s.ofType('sync')[1], { type: 'sync', cursors: { '7': '2' }, limit: 100 });
    s.frame({ type: 'message', message: msg('7', 3) });
    s.frame({ type: 'sync_result', messages: [msg('7', 3), msg('7', 4)], more: false });
    assert.deepEqual(f.client.messages('7').map((m) => m.seq), [1, 2, 3, 4]);
    assert.equal(s.ofType('sync').length, 2, 'settled: no further sync');
  });

  test('a live message above a hole is kept, the cursor stays below the hole, and a sync fills it', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    const s = f.last();
    s.welcome();
    await c;
    s.frame({ type: 'sync_result', messages: [msg('7', 1)], more: false });
    s.frame({ type: 'message', message: msg('7', 3) });
    assert.equal(f.client.cursor('7'), 1);
    assert.deepEqual(s.ofType('sync')[1], { type: 'sync', cursors: { '7': '1' }, limit: 100 });
    s.frame({ type: 'sync_result', messages: [msg('7', 2), msg('7', 3)], more: false });
    assert.equal(f.client.cursor('7'), 3);
    assert.deepEqual(f.client.messages('7').map((m) => m.seq), [1, 2, 3]);
  });

  test('a message written offline is pending, sent after welcome, and resent with the same id after a lost connection', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    const pending = await f.client.send({ conversationId: '7' }, 'hello');
    assert.equal(pending.state, 'pending');
    assert.equal(f.client.connection.pending, 1);
    f.last().welcome();
    await c;
    const first = f.last().ofType('send');
    assert.deepEqual(first, [{ type: 'send', id: pending.clientMessageId, text: 'hello', conversationId: '7' }]);

    f.last().serverClose(1006); // lost before the ack
    await until('a second socket', () => f.sockets.length === 2);
    assert.equal(f.client.connection.state, 'reconnecting');
    f.last().welcome();
    await until('the resend', () => f.last().ofType('send').length === 1);
    assert.equal(f.last().ofType('send')[0].id, pending.clientMessageId);
    assert.equal(f.last().ofType('send')[0].resend, true, 'a resend says so: the server then looks the id up');

    f.last().frame({ type: 'ack', id: pending.clientMessageId, messageId: '55', conversationId: '7', sentAt: 1 });
    assert.equal(f.client.pendingMessages()[0].state, 'sent');
    assert.equal(f.client.connection.pending, 0);
    f.last().frame({ type: 'message', message: msg('7', 1, { messageId: '55', senderId: '1', clientMessageId: pending.clientMessageId }) });
    assert.equal(f.client.pendingMessages().length, 0, 'placed by seq');
    assert.deepEqual(f.client.timeline('7').map((i) => i.kind), ['message']);
  });

  test('sends go out one at a time, in order, and a retryable error resends the same frame', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    const a = await f.client.send({ conversationId: '7' }, 'a');
    const b = await f.client.send({ conversationId: '7' }, 'b');
    const s = f.last();
    assert.deepEqual(s.ofType('send').map((x) => x.text), ['a']);
    s.frame({ type: 'error', code: 'too_many_requests', message: 'slow down', ref: a.clientMessageId });
    await until('the retry of a', () => s.ofType('send').length === 2, 3000);
    assert.deepEqual(s.ofType('send').map((x) => x.id), [a.clientMessageId, a.clientMessageId]);
    assert.deepEqual(s.ofType('send').map((x) => x.resend), [undefined, true]);
    s.frame({ type: 'ack', id: a.clientMessageId, messageId: '1', conversationId: '7', sentAt: 1 });
    assert.deepEqual(s.ofType('send').map((x) => x.text), ['a', 'a', 'b']);
    s.frame({ type: 'error', code: 'text_too_long', message: 'too long', ref: b.clientMessageId, field: 'text' });
    const failed = f.client.pendingMessages().find((p) => p.clientMessageId === b.clientMessageId)!;
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.message, 'The message is too long.');
  });

  test('a reconnect frame makes it ask discovery again and connect to the node it names', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    f.last().frame({ type: 'reconnect', reason: 'draining' });
    await until('a second socket', () => f.sockets.length === 2);
    assert.equal(f.discoveryCalls(), 2);
    assert.equal(f.last().url, 'ws://node-2/ws/v1?access_token=tok');
    assert.ok(f.sockets[0].closed);
  });

  test('close codes 1012 and 1013 reconnect through discovery with back-off', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    f.last().serverClose(1012, 'service restart');
    await until('socket 2', () => f.sockets.length === 2);
    f.last().serverClose(1013, 'try again later'); // before welcome
    await until('socket 3', () => f.sockets.length === 3);
    assert.equal(f.discoveryCalls(), 3);
  });

  test('no pong within the deadline: the connection is dead, the client reconnects', async () => {
    const f = setup({ pongTimeoutMs: 60 });
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome({ heartbeatIntervalSeconds: 0.05 });
    await c;
    await until('a ping', () => f.sockets[0].ofType('ping').length > 0);
    await until('a new socket after the missing pong', () => f.sockets.length === 2, 3000);
  });

  test('a pong keeps the connection', async () => {
    const f = setup({ pongTimeoutMs: 200 });
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    const s = f.last();
    s.welcome({ heartbeatIntervalSeconds: 0.05 });
    await c;
    const answer = setInterval(() => {
      if (s.ofType('ping').length > 0) s.frame({ type: 'pong' });
    }, 20);
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(answer);
    assert.equal(f.sockets.length, 1);
    assert.ok(s.ofType('ping').length >= 3);
  });

  test('close 1008 (token refused): no reconnect loop, authExpired is emitted', async () => {
    const f = setup();
    let expired = '';
    f.client.on('authExpired', (e) => (expired = e.reason));
    const c = f.client.connect().catch((e: Error) => e);
    await until('socket', () => f.sockets.length === 1);
    f.last().serverClose(1008, 'policy');
    const error = await c;
    assert.ok(error instanceof Error);
    assert.match(expired, /log in again/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(f.sockets.length, 1);
  });

  test('close 4001 (token expired): one refresh, then at once a new socket with the new token; the new session is emitted', async () => {
    const f = setup({ withRefreshToken: true });
    const sessions: Session[] = [];
    f.client.on('session', (session) => sessions.push(session));
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    f.last().serverClose(4001, 'token expired');
    await until('a second socket', () => f.sockets.length === 2);
    assert.deepEqual(f.refreshCalls, ['rt-0']);
    assert.equal(f.last().url, 'ws://node-2/ws/v1?access_token=tok-1');
    assert.equal(f.client.currentSession?.refreshToken, 'rt-1');
    assert.deepEqual(sessions.map((s) => s.accessToken), ['tok-1']);
  });

  test('token_expiring renews ahead of time, so the 4001 that follows needs no second refresh', async () => {
    const f = setup({ withRefreshToken: true });
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    f.last().frame({ type: 'token_expiring', expiresAt: Date.now() + 60_000 });
    f.last().frame({ type: 'token_expiring', expiresAt: Date.now() + 60_000 }); // joins the refresh in flight
    await until('renewed', () => f.client.currentSession?.accessToken === 'tok-1');
    f.last().serverClose(4001, 'token expired');
    await until('a second socket', () => f.sockets.length === 2);
    assert.deepEqual(f.refreshCalls, ['rt-0']);
    assert.equal(f.last().url, 'ws://node-2/ws/v1?access_token=tok-1');
  });

  test('a refused refresh ends in authExpired without a reconnect loop, and the used token is never sent again', async () => {
    const f = setup({ withRefreshToken: true });
    f.refreshAnswer = { status: 401 };
    let expired = '';
    f.client.on('authExpired', (e) => (expired = e.reason));
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    f.last().serverClose(4001, 'token expired');
    await until('authExpired', () => expired !== '');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(f.sockets.length, 1);
    assert.deepEqual(f.refreshCalls, ['rt-0']);
    assert.equal(f.client.currentSession?.refreshToken, undefined);
  });

  test('close 4001 token revoked, refresh refused (logout or password change elsewhere): authExpired says signed out, no reconnect', async () => {
    const f = setup({ withRefreshToken: true });
    f.refreshAnswer = { status: 401 };
    let expired = '';
    f.client.on('authExpired', (e) => (expired = e.reason));
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    f.last().serverClose(4001, 'token revoked');
    await until('authExpired', () => expired !== '');
    assert.match(expired, /signed out/);
    assert.match(expired, /log in again/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(f.sockets.length, 1);
    assert.deepEqual(f.refreshCalls, ['rt-0']);
  });

  test('close 4001 token revoked with a login still good: one refresh, then a new socket with the new token', async () => {
    const f = setup({ withRefreshToken: true });
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    f.last().serverClose(4001, 'token revoked');
    await until('a second socket', () => f.sockets.length === 2);
    assert.deepEqual(f.refreshCalls, ['rt-0']);
    assert.equal(f.last().url, 'ws://node-2/ws/v1?access_token=tok-1');
  });

  test('logout ends the login on the server with its refresh token', async () => {
    const f = setup({ withRefreshToken: true });
    await f.client.logout();
    assert.deepEqual(f.logoutCalls, ['rt-0']);
    assert.equal(f.client.currentSession, undefined);
  });

  test('delivered receipts are debounced to the cursor; read lowers the unread count; own messages count as read', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    const s = f.last();
    s.welcome();
    await c;
    s.frame({ type: 'sync_result', messages: [msg('7', 1), msg('7', 2)], more: false });
    s.frame({ type: 'message', message: msg('7', 3) });
    await until('a delivered receipt', () => s.ofType('receipt').length === 1);
    assert.deepEqual({ ...s.ofType('receipt')[0], id: undefined }, { type: 'receipt', id: undefined, conversationId: '7', status: 'delivered', seq: 3 });
    assert.equal(f.client.conversation('7')?.unreadCount, 3);
    f.client.markRead('7');
    assert.equal(s.ofType('receipt')[1].status, 'read');
    assert.equal(f.client.conversation('7')?.unreadCount, 0);
    s.frame({ type: 'message', message: msg('7', 4) });
    assert.equal(f.client.conversation('7')?.unreadCount, 1);
    s.frame({ type: 'receipt', conversationId: '7', userId: '1', status: 'read', seq: 4 }); // read on another device
    assert.equal(f.client.conversation('7')?.unreadCount, 0);
    s.frame({ type: 'message', message: msg('7', 5, { senderId: '1' }) });
    assert.equal(f.client.conversation('7')?.unreadCount, 0);
    s.frame({ type: 'receipt', conversationId: '7', userId: '2', status: 'delivered', seq: 5 });
    assert.equal(f.client.messageStatus('7', 5).status, 'delivered');
    s.frame({ type: 'receipt', conversationId: '7', userId: '2', status: 'read', seq: 5 });
    assert.equal(f.client.messageStatus('7', 5).status, 'read');
  });

  test('a restarted client resumes from the cursors and pending sends of its store', async () => {
    const store = new MemoryStore();
    await store.putMessages([msg('7', 1), msg('7', 2), msg('7', 4)] as never);
    await store.putPending({ clientMessageId: 'keep-me', conversationId: '7', text: 'x', createdAt: 1, state: 'pending' });
    const f = setup({ store });
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome();
    await c;
    assert.deepEqual(f.last().ofType('sync')[0].cursors, { '7': '2' });
    assert.equal(f.last().ofType('send')[0].id, 'keep-me');
  });

  test('presence visibility: the new field, the older hidden alias, and the confirmed setting as an event', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    const s = f.last();
    s.welcome();
    await c;

    const confirmed: { visibility: string; hidden: boolean }[] = [];
    f.client.on('presenceSettings', (settings) => confirmed.push(settings));
    assert.equal(f.client.setPresenceVisibility('conversations'), true);
    assert.equal(f.client.setPresenceHidden(true), true);
    const sent = s.ofType('presence_settings');
    assert.equal(sent[0].visibility, 'conversations');
    assert.equal(sent[0].hidden, undefined, 'the new form sends no hidden to contradict it');
    assert.equal(sent[1].hidden, true);
    assert.notEqual(sent[0].id, sent[1].id);

    s.frame({ type: 'presence_settings', ref: sent[1].id, visibility: 'nobody', hidden: true });
    assert.deepEqual(confirmed, [{ visibility: 'nobody', hidden: true }]);
  });

  test('a presence query settles on its answer, on its error, and when the connection ends', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    const s = f.last();
    s.welcome();
    await c;

    const answered = f.client.queryPresence(['5']);
    const asked = s.ofType('presence_query');
    s.frame({ type: 'presence', ref: asked[0].id, users: [{ userId: '5', state: 'online' }] });
    assert.deepEqual((await answered).map((u) => u.userId), ['5']);

    const refused = f.client.queryPresence(['6']);
    s.frame({ type: 'error', code: 'too_many_requests', message: 'slow down', ref: s.ofType('presence_query')[1].id, retryAfterMs: 900 });
    await assert.rejects(refused, (e: { code: string }) => e.code === 'too_many_requests');

    const cutOff = f.client.queryPresence(['7']);
    f.client.dropConnection();
    await assert.rejects(cutOff, (e: { code: string }) => e.code === 'offline');
  });

  test('blank and too long texts are refused before anything is sent', async () => {
    const f = setup();
    const c = f.client.connect();
    await until('socket', () => f.sockets.length === 1);
    f.last().welcome({ maxTextLength: 3 });
    await c;
    await assert.rejects(f.client.send({ conversationId: '7' }, '   '), /empty/);
    await assert.rejects(f.client.send({ conversationId: '7' }, 'four'), /longer than 3/);
    assert.ok(await f.client.send({ conversationId: '7' }, '😀😀😀'), 'code points, not UTF-16 units');
  });
});
