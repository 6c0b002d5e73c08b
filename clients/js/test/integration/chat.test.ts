import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ConnectionState, ParleyClient } from '../../src/index.js';
import { newUser, secondDevice, seqs, startChatNode, stopChatNode, system, texts, waitFor } from './harness.js';

const clients: ParleyClient[] = [];
after(() => clients.forEach((c) => c.close()));

async function user(name: string): Promise<ParleyClient> {
  const c = await newUser(name);
  clients.push(c);
  return c;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

describe('the SDK against a running Parley', () => {
  test('two users chat 1:1: the first send creates the conversation, both hold one order', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    await Promise.all([alice.connect(), bob.connect()]);

    const first = await alice.send({ to: bob.userId! }, 'Hi Bob');
    await waitFor('the ack of the first message', () => first.conversationId !== undefined && first.state === 'sent');
    const conversationId = first.conversationId!;
    await waitFor('Bob to get it', () => bob.messages(conversationId).length === 1);
    await bob.send({ conversationId }, 'Hi Alice');
    await alice.send({ conversationId }, 'How are you?');
    await waitFor('both to hold 3', () => alice.messages(conversationId).length === 3 && bob.messages(conversationId).length === 3);

    assert.deepEqual(seqs(alice, conversationId), [1, 2, 3]);
    assert.deepEqual(texts(bob, conversationId), texts(alice, conversationId));
    assert.equal(alice.cursor(conversationId), 3);
    assert.equal(alice.pendingMessages().length, 0, 'own messages placed by seq leave the pending list');
    await waitFor('Bob to see it in his list', () => bob.conversation(conversationId) !== undefined);
    // Bob's and Alice's last sends race: whichever got seq 3 is the list's last message.
    assert.equal(bob.conversation(conversationId)!.lastMessage?.text, texts(bob, conversationId)[2]);
    assert.equal(bob.conversation(conversationId)!.lastSeq, 3);
  });

  test('a reconnect in the middle of a stream: the device ends with every message once, in order', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    await Promise.all([alice.connect(), bob.connect()]);
    const first = await alice.send({ to: bob.userId! }, 'm1');
    await waitFor('ack', () => first.state === 'sent');
    const conversationId = first.conversationId!;
    let duplicates = 0;
    const seen = new Set<number>();
    bob.on('message', ({ message }) => {
      if (message.conversationId !== conversationId) return;
      if (seen.has(message.seq)) duplicates++;
      seen.add(message.seq);
    });

    for (let i = 2; i <= 40; i++) {
      await alice.send({ conversationId }, `m${i}`);
      if (i === 12) bob.dropConnection('test: network lost');
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor('Bob to hold all 40', () => bob.cursor(conversationId) === 40, 60_000);

    assert.deepEqual(seqs(bob, conversationId), range(40));
    assert.deepEqual(texts(bob, conversationId), range(40).map((i) => `m${i}`));
    assert.equal(duplicates, 0, 'the client never applies a seq twice');
    assert.equal(bob.connection.state, 'online');
  });

  test('a chat node drains: the client asks discovery again, and a message written meanwhile is resent and delivered once', async () => {
    const info = await system();
    const alice = await user('Alice');
    const bob = await user('Bob');
    await Promise.all([alice.connect(), bob.connect()]);
    const first = await alice.send({ to: bob.userId! }, 'before the drain');
    await waitFor('ack', () => first.state === 'sent');
    const conversationId = first.conversationId!;
    await waitFor('Bob has it', () => bob.cursor(conversationId) === 1);

    const node = alice.welcomeInfo!.node;
    const index = info.chatNodeIds.indexOf(node);
    assert.ok(index >= 0, `alice is on a known node (${node})`);
    const states: ConnectionState[] = [];
    let written: Promise<unknown> | undefined;
    alice.on('connection', (c) => {
      states.push(c.state);
      // Write while the connection is down: the message must stay pending and go out after welcome.
      if (c.state === 'reconnecting' && !written) written = alice.send({ conversationId }, 'during the drain');
    });
    try {
      await stopChatNode(index);
      await waitFor('Alice back online on another node', () => alice.connection.state === 'online' && alice.welcomeInfo?.node !== node, 60_000);
      assert.ok(written, 'a message was written while reconnecting');
      await written;
      await waitFor('the message placed at both', () => alice.cursor(conversationId) === 2 && bob.cursor(conversationId) === 2, 60_000);
      assert.deepEqual(texts(bob, conversationId), ['before the drain', 'during the drain']);
      assert.deepEqual(texts(alice, conversationId), ['before the drain', 'during the drain']);
      assert.ok(states.includes('reconnecting'));
      assert.equal(alice.pendingMessages().length, 0);
    } finally {
      await startChatNode(index);
    }
  });

  test('receipts: read ticks reach the sender, unread counts follow the reader on every device', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const bobLaptop = await secondDevice(bob);
    clients.push(bobLaptop);
    await Promise.all([alice.connect(), bob.connect(), bobLaptop.connect()]);
    const first = await alice.send({ to: bob.userId! }, 'one');
    await waitFor('ack', () => first.state === 'sent');
    const conversationId = first.conversationId!;
    await alice.send({ conversationId }, 'two');
    await waitFor('Bob has both', () => bob.cursor(conversationId) === 2 && bobLaptop.cursor(conversationId) === 2);
    await waitFor('unread 2 on the laptop', () => bobLaptop.conversation(conversationId)?.unreadCount === 2);
    await waitFor('delivered tick at Alice', () => alice.messageStatus(conversationId, 2).status === 'delivered', 10_000);

    bob.markRead(conversationId);
    await waitFor('read tick at Alice', () => alice.messageStatus(conversationId, 2).status === 'read');
    await waitFor('the laptop badge cleared', () => bobLaptop.conversation(conversationId)?.unreadCount === 0);
    assert.equal(bob.conversation(conversationId)?.unreadCount, 0);
  });

  test('a group of three: every member holds the same order, system messages included; typing and presence arrive', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const carol = await user('Carol');
    await Promise.all([alice.connect(), bob.connect(), carol.connect()]);
    const group = await alice.createGroup('Hikers', [bob.userId!, carol.userId!]);
    const conversationId = group.conversationId;
    await alice.send({ conversationId }, 'from alice');
    await bob.send({ conversationId }, 'from bob');
    await carol.send({ conversationId }, 'from carol');
    await waitFor('all hold 4', () => [alice, bob, carol].every((c) => c.cursor(conversationId) === 4));
    assert.equal(alice.messages(conversationId)[0].system?.event, 'group_created');
    assert.deepEqual(texts(bob, conversationId), texts(alice, conversationId));
    assert.deepEqual(texts(carol, conversationId), texts(alice, conversationId));

    alice.typing(conversationId);
    await waitFor('Bob sees Alice typing', () => bob.typists(conversationId).includes(alice.userId!), 10_000);
    alice.stopTyping(conversationId);
    await waitFor('and stop', () => !bob.typists(conversationId).includes(alice.userId!), 10_000);

    // Under the default (contacts) group members see nothing of each other: Alice and Carol
    // choose to show their presence to everyone they share a conversation with.
    alice.setPresenceVisibility('conversations');
    carol.setPresenceVisibility('conversations');
    bob.subscribePresence();
    await waitFor('Bob sees Carol online', () => bob.presence(carol.userId!)?.status === 'online', 10_000);
    await waitFor('and Alice', () => bob.presence(alice.userId!)?.status === 'online', 10_000);
    const answer = await bob.queryPresence([alice.userId!, '1']);
    assert.deepEqual(answer.map((p) => p.status), ['online', 'unknown']);
  });
});
