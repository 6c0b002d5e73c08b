/** Wire types of docs/protocol.md and docs/api.md. Ids are decimal strings; seqs are numbers. */

export type Id = string;

export interface SystemEvent {
  event:
    | 'group_created'
    | 'member_added'
    | 'member_removed'
    | 'member_left'
    | 'group_renamed'
    | 'role_changed'
    | 'ownership_transferred'
    | string;
  actorId: Id;
  targetIds: Id[];
  name?: string;
  role?: string;
}

/** A sequenced message, as the `message` frame, `sync_result` and REST history carry it. */
export interface Message {
  messageId: Id;
  conversationId: Id;
  seq: number;
  senderId: Id;
  clientMessageId?: string;
  text?: string;
  sentAt: number;
  kind?: 'text' | 'system';
  system?: SystemEvent;
}

export interface Welcome {
  type: 'welcome';
  protocolVersion: number;
  sessionId: Id;
  userId: Id;
  node: string;
  maxFrameBytes: number;
  maxTextLength: number;
  heartbeatIntervalSeconds: number;
  receiptsShared: boolean;
  typingIntervalSeconds: number;
}

export interface Ack {
  type: 'ack';
  id: string;
  messageId: Id;
  conversationId: Id;
  sentAt: number;
}

export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
  ref?: string;
  field?: string;
}

export interface ReceiptFrame {
  type: 'receipt';
  conversationId: Id;
  userId: Id;
  status: 'delivered' | 'read';
  seq: number;
}

export interface TypingFrame {
  type: 'typing';
  conversationId: Id;
  userId: Id;
  state: 'start' | 'stop';
  expiresInMs?: number;
}

export type PresenceStatus = 'online' | 'offline' | 'unknown';

/**
 * Who may see your presence (`presence_settings`): `contacts` (the server's default: people you
 * have sent a 1:1 message to), `conversations` (everyone you share a conversation with), `nobody`.
 */
export type PresenceVisibility = 'contacts' | 'conversations' | 'nobody';

export interface Presence {
  userId: Id;
  status: PresenceStatus;
  lastSeen?: number;
}

export type ServerFrame =
  | Welcome
  | Ack
  | ErrorFrame
  | ReceiptFrame
  | TypingFrame
  | { type: 'message'; message: Message }
  | { type: 'sync_result'; messages: Message[]; more: boolean }
  | { type: 'pong' }
  | { type: 'reconnect'; reason?: string }
  | { type: 'presence'; ref?: string; users: Presence[] }
  | { type: 'presence_settings'; ref?: string; visibility: PresenceVisibility; hidden: boolean }
  | { type: 'token_expiring'; expiresAt: number };

// --- REST ------------------------------------------------------------------------------------

export interface User {
  id: Id;
  username: string;
  displayName: string;
}

export interface Session {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  userId: Id;
  /** Epoch ms when the token expires (computed by the SDK at login). */
  expiresAt: number;
  /**
   * Single use: exchanged for the next session by `POST /api/auth/refresh` (docs/api.md "Token
   * lifecycle"). Absent in sessions kept from before refresh tokens.
   */
  refreshToken?: string;
  /** Seconds the refresh token lives, from login or the last refresh. */
  refreshExpiresIn?: number;
}

export interface LastMessage {
  messageId: Id;
  seq: number;
  senderId: Id;
  kind: 'text' | 'system';
  text?: string;
  textTruncated: boolean;
  system?: SystemEvent;
  sentAt: number;
}

/** One entry of `GET /api/conversations`. */
export interface ConversationSummary {
  conversationId: Id;
  kind: 'direct' | 'group';
  name?: string;
  peer?: { userId: Id; displayName: string };
  removed: boolean;
  lastSeq: number;
  lastActivityAt?: number;
  readSeq: number;
  unreadCount: number;
  lastMessage?: LastMessage;
}

export interface ConversationPage {
  conversations: ConversationSummary[];
  nextCursor?: string;
}

export interface HistoryPage {
  messages: Message[];
  nextBefore?: number;
  nextAfter?: number;
}

export interface GroupMember {
  userId: Id;
  role: 'owner' | 'admin' | 'member';
  joinedAtSeq: number;
}

export interface Group {
  conversationId: Id;
  name: string;
  createdBy: Id;
  yourRole: 'owner' | 'admin' | 'member';
  members: GroupMember[];
}

export interface MemberMarks {
  userId: Id;
  deliveredSeq: number;
  readSeq: number;
}

export interface ReceiptsAnswer {
  conversationId: Id;
  receiptsEnabled: boolean;
  members: MemberMarks[];
  message?: {
    seq: number;
    senderId: Id;
    recipientCount: number;
    deliveredCount: number;
    readCount: number;
  };
}

export interface ChatServer {
  nodeId: string;
  url: string;
}
