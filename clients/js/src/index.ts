export { ParleyClient, ParleyError, describeError } from './client.js';
export type {
  ConnectionInfo,
  ConnectionState,
  ConversationView,
  Marks,
  ParleyClientOptions,
  ParleyEvents,
  TimelineItem,
  WebSocketFactory,
  WebSocketLike,
} from './client.js';
export { RestClient, ParleyApiError, newKey } from './rest.js';
export type { FetchLike, FieldError, RestOptions } from './rest.js';
export { ConversationReplica } from './replica.js';
export type { ApplyOutcome } from './replica.js';
export { MemoryStore } from './store.js';
export type { ParleyStore, PendingMessage } from './store.js';
export { IndexedDbStore } from './idb-store.js';
export { Backoff } from './backoff.js';
export { Emitter } from './emitter.js';
export { TypingThrottle, TypingTracker } from './typing.js';
export { dropNulls } from './normalize.js';
export * from './types.js';
