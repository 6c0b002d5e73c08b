import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import 'fake-indexeddb/auto';
import { Backoff, ConversationReplica, dropNulls, IndexedDbStore, TypingThrottle, TypingTracker, type Message } from '../../src/index.js';

function m(seq: number, messageId = `m${seq}`): Message {
  return { messageId, conversationId: '7', seq, senderId: '2', text: `t${seq}`, sentAt: seq };
}

describe('ConversationReplica', () => {
  test('the cursor is the highest seq held without a hole below it', () => {
    const r = new ConversationReplica('7');
    assert.equal(r.apply(m(1)), 'new');
    assert.equal(r.apply(m(2)), 'new');
    assert.equal(r.apply(m(4)), 'gap');
    assert.equal(r.cursor, 2, 'never past the hole at 3');
    assert.equal(r.maxSeq, 4);
    assert.ok(r.hasGap());
    assert.equal(r.apply(m(3)), 'new');
    assert.equal(r.cursor, 4);
    assert.ok(!r.hasGap());
  });

  test('a second copy of a seq is dropped', () => {
    const r = new ConversationReplica('7');
    r.apply(m(1));
    assert.equal(r.apply(m(1)), 'duplicate');
    assert.equal(r.size, 1);
    assert.deepEqual(r.messages().map((x) => x.seq), [1]);
  });

  test('messages come out by seq whatever the arrival order', () => {
    const r = new ConversationReplica('7');
    for (const seq of [5, 3, 1, 4, 2]) r.apply(m(seq));
    assert.deepEqual(r.messages().map((x) => x.seq), [1, 2, 3, 4, 5]);
    assert.equal(r.cursor, 5);
  });

  test('seqs below 1 are refused', () => {
    assert.throws(() => new ConversationReplica('7').apply(m(0)), RangeError);
  });
});

describe('Backoff', () => {
  test('0.5 s, 1 s, 2 s … up to 30 s, each 50–100 % of its step', () => {
    const low = new Backoff({ random: () => 0 });
    const high = new Backoff({ random: () => 0.999999 });
    const lows = Array.from({ length: 9 }, () => low.next());
    const highs = Array.from({ length: 9 }, () => high.next());
    assert.deepEqual(lows, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    assert.deepEqual(highs, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  test('a success starts again from the first step', () => {
    const b = new Backoff({ random: () => 0.999999 });
    b.next();
    b.next();
    b.reset();
    assert.equal(b.next(), 500);
  });
});

test('dropNulls: REST nulls become absent fields, as on the socket', () => {
  assert.deepEqual(dropNulls({ a: 1, b: null, c: { d: null, e: [{ f: null, g: 2 }] } }), { a: 1, c: { e: [{ g: 2 }] } });
});

describe('typing', () => {
  test('the receiver expires a start after expiresInMs, and a stop ends it at once', async () => {
    const changes: string[][] = [];
    const t = new TypingTracker((_, users) => changes.push(users));
    t.start('7', 'u1', 40);
    t.start('7', 'u2', 1000);
    assert.deepEqual(t.typists('7').sort(), ['u1', 'u2']);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(t.typists('7'), ['u2']);
    t.stop('7', 'u2');
    assert.deepEqual(t.typists('7'), []);
    assert.deepEqual(changes, [['u1'], ['u1', 'u2'], ['u2'], []]);
    t.clear();
  });

  test('the sender sends at most one start per interval, and stop only after a start', () => {
    let now = 0;
    const frames: string[] = [];
    const t = new TypingThrottle((_, state) => frames.push(state), 3000, 60_000, () => now);
    t.keystroke('7');
    now = 1000;
    t.keystroke('7');
    now = 3000;
    t.keystroke('7');
    t.stop('7');
    t.stop('7');
    t.keystroke('8');
    t.sent('8');
    assert.deepEqual(frames, ['start', 'start', 'stop', 'start']);
    t.clear();
  });
});

test('IndexedDbStore keeps messages and pending sends across instances', async () => {
  const first = IndexedDbStore.forUser('42');
  await first.putMessages([m(1), m(2)]);
  await first.putMessages([m(2)]);
  await first.putPending({ clientMessageId: 'c1', conversationId: '7', text: 'hi', createdAt: 5, state: 'pending' });
  await first.putPending({ clientMessageId: 'c0', conversationId: '7', text: 'earlier', createdAt: 1, state: 'pending' });
  const again = IndexedDbStore.forUser('42');
  assert.deepEqual((await again.loadMessages()).map((x) => x.seq).sort(), [1, 2]);
  assert.deepEqual((await again.loadPending()).map((p) => p.clientMessageId), ['c0', 'c1']);
  await again.deletePending('c0');
  assert.deepEqual((await again.loadPending()).map((p) => p.clientMessageId), ['c1']);
  await again.clear();
  assert.equal((await again.loadMessages()).length, 0);
});
