import WebSocket from 'ws';
import { ParleyClient, type ParleyClientOptions, type WebSocketLike } from '../../src/index.js';

/**
 * The running Parley these tests talk to: started by the Maven build (e2e-tests' WebClientsIT,
 * a real LocalSystem: Kafka, Cassandra, discovery, api-service, gateway, two chat nodes), which
 * passes its control endpoint in PARLEY_CONTROL_URL.
 */
export interface SystemInfo {
  gatewayUrl: string;
  chatNodeWsUrls: string[];
  chatNodeIds: string[];
}

const controlUrl = process.env.PARLEY_CONTROL_URL;

export async function system(): Promise<SystemInfo> {
  if (!controlUrl) throw new Error('PARLEY_CONTROL_URL is not set: run through ./mvnw verify (e2e-tests WebClientsIT)');
  const answer = await fetch(`${controlUrl}/system`);
  return (await answer.json()) as SystemInfo;
}

/** Drains chat node `index` (SIGTERM) and waits until it is gone. */
export async function stopChatNode(index: number): Promise<void> {
  const answer = await fetch(`${controlUrl}/chat-nodes/${index}/stop`, { method: 'POST' });
  if (!answer.ok) throw new Error(`stop failed: ${await answer.text()}`);
}

export async function startChatNode(index: number): Promise<void> {
  const answer = await fetch(`${controlUrl}/chat-nodes/${index}/start`, { method: 'POST' });
  if (!answer.ok) throw new Error(`start failed: ${await answer.text()}`);
}

export const nodeWebSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;

const suffix = Math.random().toString(36).slice(2, 8);
let counter = 0;

/** Signs a new user up and returns a logged-in client for them (not connected yet). */
export async function newUser(name: string, options: ParleyClientOptions = {}): Promise<ParleyClient> {
  const info = await system();
  const client = new ParleyClient({ baseUrl: info.gatewayUrl, webSocket: nodeWebSocket, ...options });
  const username = `${name.toLowerCase()}_${suffix}_${++counter}`;
  await client.signUp(username, 'correct horse battery', name);
  await client.login(username, 'correct horse battery');
  return client;
}

/** Another device of the same user. */
export async function secondDevice(first: ParleyClient, options: ParleyClientOptions = {}): Promise<ParleyClient> {
  const info = await system();
  const client = new ParleyClient({ baseUrl: info.gatewayUrl, webSocket: nodeWebSocket, ...options });
  client.useSession(first.currentSession!);
  return client;
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function texts(client: ParleyClient, conversationId: string): string[] {
  return client.messages(conversationId).map((m) => m.text ?? `<${m.system?.event}>`);
}

export function seqs(client: ParleyClient, conversationId: string): number[] {
  return client.messages(conversationId).map((m) => m.seq);
}
