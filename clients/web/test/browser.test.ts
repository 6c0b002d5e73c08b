import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * The reference web app in headless Chromium (Debian's, driven by playwright-core: no browser
 * download), against a real Parley started by e2e-tests' WebClientsIT (PARLEY_CONTROL_URL).
 * The page is served by the gateway at / unless PARLEY_WEB_URL names another origin.
 */
const controlUrl = process.env.PARLEY_CONTROL_URL;
const shots = process.env.PARLEY_SCREENSHOTS ?? join(process.cwd(), 'test-results', 'screenshots');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const suffix = Math.random().toString(36).slice(2, 7);
const TIMEOUT = 30_000;

interface SystemInfo {
  gatewayUrl: string;
  discoveryUrl: string;
  chatNodeIds: string[];
}

let system: SystemInfo;
let webUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function person(name: string, phone = false): Promise<{ context: BrowserContext; page: Page; username: string }> {
  const context = await browser.newContext(phone ? { viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true } : { viewport: { width: 1100, height: 720 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => console.error(`[${name} page error]`, e));
  const username = `${name.toLowerCase()}_${suffix}`;
  await page.goto(webUrl);
  await page.getByRole('tab', { name: 'Sign up' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Create account' }).click();
  await connected(page);
  return { context, page, username };
}

async function connected(page: Page): Promise<void> {
  await page.locator('.connection[data-state="online"]').waitFor({ timeout: 60_000 });
}

function nodeOf(page: Page): Promise<string | null> {
  return page.locator('.connection').getAttribute('data-node');
}

async function openConversation(page: Page, title: string): Promise<void> {
  await page.locator('.conversation', { hasText: title }).first().click();
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

/** Texts of the messages on screen, in display order (system messages included). */
async function texts(page: Page): Promise<string[]> {
  return page.locator('.timeline > li.message .text, .timeline > li.system').allInnerTexts();
}

async function seqs(page: Page): Promise<number[]> {
  return (await page.locator('.timeline > li[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq')))));
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

before(async () => {
  if (!controlUrl) throw new Error('PARLEY_CONTROL_URL is not set: run through ./mvnw verify (e2e-tests WebClientsIT)');
  system = (await (await fetch(`${controlUrl}/system`)).json()) as SystemInfo;
  webUrl = process.env.PARLEY_WEB_URL ?? `${system.gatewayUrl}/`;
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({ executablePath, headless: true, args: [
      '--no-sandbox', // CI runs as root
      '--disable-dev-shm-usage',
      '--disable-gpu',
      // No background traffic: this machine's network is closed, and Chromium would keep trying.
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ] });
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

describe('the web app in headless Chromium', () => {
  let alice: Awaited<ReturnType<typeof person>>;
  let bob: Awaited<ReturnType<typeof person>>;
  let carol: Awaited<ReturnType<typeof person>>;

  test('two people sign up and chat 1:1 across two chat nodes; unread badge and read ticks update', async () => {
    alice = await person('Alice');
    bob = await person('Bob');
    // Discovery hands out the least-loaded node; until its poll has seen Alice's session both may land on one.
    for (let i = 0; i < 8 && (await nodeOf(alice.page)) === (await nodeOf(bob.page)); i++) {
      const nodes = await (await fetch(`${system.discoveryUrl}/internal/chat-nodes`)).text();
      console.log(`Alice and Bob both on ${await nodeOf(bob.page)}; discovery says ${nodes}; Bob reloads`);
      await new Promise((r) => setTimeout(r, 2500));
      await bob.page.reload();
      await connected(bob.page);
    }
    assert.notEqual(await nodeOf(alice.page), await nodeOf(bob.page), 'Alice and Bob are on different chat nodes');

    await alice.page.getByLabel('Chat with (username)').fill(bob.username);
    await alice.page.getByRole('button', { name: 'Start chat' }).click();
    await send(alice.page, 'Hello Bob!');
    await alice.page.locator('.conversation', { hasText: 'Bob' }).waitFor();

    // Bob has not opened it: an unread badge.
    await bob.page.locator('.conversation', { hasText: 'Alice' }).getByLabel('1 unread').waitFor();
    await shot(bob.page, 'conversation-list-unread');
    await openConversation(bob.page, 'Alice');
    await bob.page.locator('.timeline li.message', { hasText: 'Hello Bob!' }).waitFor();
    await bob.page.locator('.conversation', { hasText: 'Alice' }).locator('.badge').waitFor({ state: 'detached' });

    // Bob has read it: Alice's message shows the read tick.
    await alice.page.locator('.timeline li.message.mine', { hasText: 'Hello Bob!' }).locator('.ticks[data-status="read"]').waitFor();

    await bob.page.getByLabel('Message', { exact: true }).pressSequentially('Hi Ali');
    await alice.page.getByText('Bob is typing…').waitFor();
    await send(bob.page, 'Hi Alice, how are you?');
    await alice.page.locator('.timeline li.message', { hasText: 'how are you?' }).waitFor();
    await shot(alice.page, 'chat-1to1');
    assert.deepEqual(await texts(alice.page), ['Hello Bob!', 'Hi Alice, how are you?']);
    assert.deepEqual(await texts(bob.page), await texts(alice.page));
  });

  test('a group of three: everyone sees the same messages in the same order', async () => {
    carol = await person('Carol', true);
    await alice.page.getByRole('button', { name: 'New group' }).click();
    await alice.page.getByLabel('Group name').fill('Hikers');
    await alice.page.getByLabel('Members (usernames, comma-separated)').fill(`${bob.username}, ${carol.username}`);
    await alice.page.getByRole('button', { name: 'Create group' }).click();
    await alice.page.locator('.chat-head h2', { hasText: 'Hikers' }).waitFor();
    await send(alice.page, 'Who is in for Saturday?');
    await openConversation(bob.page, 'Hikers');
    await send(bob.page, 'Me!');
    await openConversation(carol.page, 'Hikers');
    await carol.page.locator('.timeline li.message', { hasText: 'Me!' }).waitFor();
    await send(carol.page, 'Me too');
    for (const p of [alice, bob, carol]) await p.page.locator('.timeline li.message', { hasText: 'Me too' }).waitFor();
    const expected = await texts(alice.page);
    assert.equal(expected.length, 4, `group_created + 3 messages: ${expected}`);
    assert.deepEqual(await texts(bob.page), expected);
    assert.deepEqual(await texts(carol.page), expected);
    await shot(carol.page, 'group-phone');
  });

  test('offline while others send: back online, exactly the missed messages, in order, no duplicate', async () => {
    await carol.context.setOffline(true);
    await carol.page.locator('.connection[data-state="reconnecting"], .connection[data-state="offline"]').waitFor();
    for (let i = 1; i <= 3; i++) {
      await send(alice.page, `while Carol is away ${i}`);
      await send(bob.page, `Bob while Carol is away ${i}`);
    }
    await alice.page.locator('.timeline li.message', { hasText: 'Bob while Carol is away 3' }).waitFor();
    await eventually('Alice to hold all 10', async () => (await texts(alice.page)).length === 10);
    // Carol still shows only what she had.
    assert.equal((await texts(carol.page)).length, 4);
    await carol.context.setOffline(false);
    await connected(carol.page);
    await eventually('Carol to catch up', async () => (await texts(carol.page)).length === 10);
    assert.deepEqual(await texts(carol.page), await texts(alice.page));
    const carolSeqs = await seqs(carol.page);
    assert.deepEqual(carolSeqs, Array.from({ length: 10 }, (_, i) => i + 1), 'every seq once, in order');
  });

  test('a chat node drains: the page reconnects and a message written meanwhile is not lost', async () => {
    const node = (await nodeOf(alice.page))!;
    const index = system.chatNodeIds.indexOf(node);
    assert.ok(index >= 0, `Alice is on a known node: ${node}`);
    const drained = fetch(`${controlUrl}/chat-nodes/${index}/stop`, { method: 'POST' });
    await alice.page.locator('.connection[data-state="reconnecting"]').waitFor({ timeout: 60_000 });
    await send(alice.page, 'sent during the drain');
    await alice.page.locator('.timeline li.message', { hasText: 'sent during the drain' }).waitFor();
    await shot(alice.page, 'reconnecting-pending');
    await connected(alice.page);
    assert.notEqual(await nodeOf(alice.page), node, 'reconnected to the other node');
    for (const p of [bob, carol]) await p.page.locator('.timeline li.message', { hasText: 'sent during the drain' }).waitFor({ timeout: 60_000 });
    await alice.page.locator('.timeline li.message[data-seq]', { hasText: 'sent during the drain' }).waitFor();
    assert.deepEqual(await texts(bob.page), await texts(alice.page));
    assert.equal((await texts(alice.page)).filter((t) => t === 'sent during the drain').length, 1);
    assert.ok((await drained).ok);
  });
});
