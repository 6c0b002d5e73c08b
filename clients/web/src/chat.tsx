import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Group, Message, ParleyClient, PendingMessage, TimelineItem } from '@parley/client';
import { errorText } from './app';
import type { NameBook } from './hooks';
import { conversationTitle, PresenceDot } from './list';

/** An open conversation, or a draft 1:1 conversation whose first message creates it. */
export type Selection = { conversationId: string } | { to: string };

const PAGE = 50;

function time(ms: number | undefined): string {
  return ms ? new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

function systemText(m: Message, names: NameBook): string {
  const s = m.system;
  if (!s) return '';
  const actor = names.name(s.actorId);
  const targets = s.targetIds.map((id) => names.name(id)).join(', ');
  switch (s.event) {
    case 'group_created':
      return `${actor} created the group${s.name ? ` “${s.name}”` : ''}`;
    case 'member_added':
      return `${actor} added ${targets}`;
    case 'member_removed':
      return `${actor} removed ${targets}`;
    case 'member_left':
      return `${targets || actor} left`;
    case 'group_renamed':
      return `${actor} renamed the group to “${s.name}”`;
    case 'role_changed':
      return `${actor} made ${targets} ${s.role === 'admin' ? 'an admin' : 'a member'}`;
    case 'ownership_transferred':
      return `${actor} made ${targets} the owner`;
    default:
      return `${actor}: ${s.event}`;
  }
}

export function Chat(props: { client: ParleyClient; names: NameBook; selection: Selection; onBack: () => void }) {
  const { client, names, selection, onBack } = props;
  const conversationId = 'conversationId' in selection ? selection.conversationId : undefined;
  const view = conversationId ? client.conversation(conversationId) : undefined;
  const [shown, setShown] = useState(PAGE);
  const [membersOpen, setMembersOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const logRef = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const heightBefore = useRef<number | undefined>(undefined);

  const items: TimelineItem[] = conversationId
    ? client.timeline(conversationId)
    : client
        .pendingMessages()
        .filter((p) => 'to' in selection && p.to === selection.to && !p.conversationId)
        .map((pending) => ({ kind: 'pending' as const, pending }));
  const visible = items.slice(Math.max(0, items.length - shown));
  const lastSeq = items.reduce((max, i) => (i.kind === 'message' ? Math.max(max, i.message.seq) : max), 0);

  useEffect(() => {
    setShown(PAGE);
    setMembersOpen(false);
    stick.current = true;
    if (conversationId) void client.loadReceipts(conversationId).catch(() => undefined);
  }, [conversationId]);

  // Read receipts: what is on screen while the page is visible has been read.
  useEffect(() => {
    if (conversationId && lastSeq > 0 && document.visibilityState === 'visible') client.markRead(conversationId);
  }, [conversationId, lastSeq]);

  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    if (heightBefore.current !== undefined) {
      log.scrollTop = log.scrollHeight - heightBefore.current; // keep the view where it was after loading older ones
      heightBefore.current = undefined;
    } else if (stick.current) {
      log.scrollTop = log.scrollHeight;
    }
  });

  async function onScroll() {
    const log = logRef.current;
    if (!log) return;
    stick.current = log.scrollTop + log.clientHeight >= log.scrollHeight - 40;
    if (log.scrollTop < 40 && conversationId) {
      if (shown < items.length) {
        heightBefore.current = log.scrollHeight;
        setShown(shown + PAGE);
      } else if (await client.loadOlder(conversationId, PAGE).catch(() => 0)) {
        heightBefore.current = log.scrollHeight;
        setShown(shown + PAGE);
      }
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    const value = text;
    if (!value.trim()) return;
    setError('');
    try {
      await client.send(conversationId ? { conversationId } : { to: (selection as { to: string }).to }, value);
      setText('');
      stick.current = true;
    } catch (err) {
      setError(errorText(err));
    }
  }

  const title = view ? conversationTitle(view, names) : 'to' in selection ? names.name(selection.to) : '…';
  const peerId = view?.peer?.userId ?? ('to' in selection ? selection.to : undefined);
  const typists = conversationId ? client.typists(conversationId) : [];
  const isGroup = view?.kind === 'group';

  return (
    <main class="chat" aria-label={`Conversation with ${title}`}>
      <header class="chat-head">
        <button type="button" class="back" onClick={onBack} aria-label="Back to conversations">
          ←
        </button>
        {!isGroup && <PresenceDot client={client} userId={peerId} />}
        <h2>{title}</h2>
        {!isGroup && peerId && <PresenceText client={client} userId={peerId} />}
        {isGroup && !view?.removed && (
          <button type="button" onClick={() => setMembersOpen(!membersOpen)} aria-expanded={membersOpen}>
            Members
          </button>
        )}
      </header>
      {membersOpen && conversationId && <Members client={client} names={names} conversationId={conversationId} onLeft={onBack} />}
      <ol class="timeline" ref={logRef} onScroll={onScroll} aria-label="Messages" role="log" tabIndex={0}>
        {items.length > visible.length && <li class="hint">Scroll up for older messages</li>}
        {visible.map((item) =>
          item.kind === 'message' ? (
            <MessageRow key={`m${item.message.seq}`} client={client} names={names} message={item.message} mine={item.mine} group={isGroup} />
          ) : (
            <PendingRow key={`p${item.pending.clientMessageId}`} client={client} pending={item.pending} />
          ),
        )}
      </ol>
      <p class="typing" aria-live="polite">
        {typists.length > 0 ? `${typists.map((id) => names.name(id)).join(', ')} ${typists.length === 1 ? 'is' : 'are'} typing…` : ''}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {view?.removed ? (
        <p class="hint">You are no longer a member of this group.</p>
      ) : (
        <form class="composer" onSubmit={submit}>
          <label class="visually-hidden" for="composer-input">
            Message
          </label>
          <textarea
            id="composer-input"
            rows={1}
            placeholder="Write a message"
            value={text}
            onInput={(e) => {
              const v = e.currentTarget.value;
              setText(v);
              if (conversationId) {
                if (v) client.typing(conversationId);
                else client.stopTyping(conversationId);
              }
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void submit(e);
              }
            }}
          />
          <button type="submit" class="primary">
            Send
          </button>
        </form>
      )}
    </main>
  );
}

function PresenceText({ client, userId }: { client: ParleyClient; userId: string }) {
  const p = client.presence(userId);
  if (!p || p.status === 'unknown') return null;
  return <span class="presence-text">{p.status === 'online' ? 'online' : p.lastSeen ? `last seen ${time(p.lastSeen)}` : 'offline'}</span>;
}

function MessageRow(props: { client: ParleyClient; names: NameBook; message: Message; mine: boolean; group: boolean }) {
  const { client, names, message, mine, group } = props;
  if (message.kind === 'system') {
    return (
      <li class="system" data-seq={message.seq}>
        {systemText(message, names)}
      </li>
    );
  }
  const status = mine ? client.messageStatus(message.conversationId, message.seq) : undefined;
  return (
    <li class={`message ${mine ? 'mine' : 'theirs'}`} data-seq={message.seq}>
      {group && !mine && <span class="sender">{names.name(message.senderId)}</span>}
      <span class="text">{message.text}</span>
      <span class="meta">
        <time>{time(message.sentAt)}</time>
        {status && <Ticks status={status.status} readBy={group ? status.readBy : undefined} />}
      </span>
    </li>
  );
}

function Ticks({ status, readBy }: { status: 'sending' | 'sent' | 'delivered' | 'read' | 'failed'; readBy?: number }) {
  const label =
    status === 'read' ? 'Read' : status === 'delivered' ? 'Delivered' : status === 'sent' ? 'Sent' : status === 'sending' ? 'Sending' : 'Not sent';
  const marks = status === 'read' || status === 'delivered' ? '✓✓' : status === 'sent' ? '✓' : status === 'sending' ? '…' : '!';
  return (
    <span class={`ticks ${status}`} aria-label={label} title={readBy !== undefined ? `${label} · read by ${readBy}` : label} data-status={status}>
      {marks}
      {readBy !== undefined && readBy > 0 && <span class="read-by"> {readBy}</span>}
    </span>
  );
}

function PendingRow({ client, pending }: { client: ParleyClient; pending: PendingMessage }) {
  const status = pending.state === 'failed' ? 'failed' : pending.state === 'sent' ? 'sent' : 'sending';
  return (
    <li class={`message mine ${pending.state}`} data-pending={pending.clientMessageId}>
      <span class="text">{pending.text}</span>
      <span class="meta">
        <Ticks status={status} />
        {pending.state === 'failed' && (
          <>
            <span class="error"> {pending.error?.message}</span>
            <button type="button" onClick={() => client.retry(pending.clientMessageId)}>
              Retry
            </button>
            <button type="button" onClick={() => client.discard(pending.clientMessageId)}>
              Delete
            </button>
          </>
        )}
      </span>
    </li>
  );
}

function Members({ client, names, conversationId, onLeft }: { client: ParleyClient; names: NameBook; conversationId: string; onLeft: () => void }) {
  const [group, setGroup] = useState<Group | undefined>();
  const [username, setUsername] = useState('');
  const [error, setError] = useState('');
  const lastSeq = client.conversation(conversationId)?.lastSeq ?? 0;

  useEffect(() => {
    client.rest
      .group(conversationId)
      .then(setGroup)
      .catch((e) => setError(errorText(e)));
  }, [conversationId, lastSeq]);

  const canManage = group?.yourRole === 'owner' || group?.yourRole === 'admin';

  async function add(e: Event) {
    e.preventDefault();
    setError('');
    try {
      const user = await client.rest.userByName(username.trim());
      names.set(user.id, user.displayName);
      setGroup(await client.rest.addMembers(conversationId, [user.id]));
      setUsername('');
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function remove(userId: string) {
    setError('');
    try {
      setGroup(await client.rest.removeMember(conversationId, userId));
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function leave() {
    try {
      await client.rest.leaveGroup(conversationId);
      onLeft();
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section class="members" aria-label="Members">
      <ul>
        {group?.members.map((m) => (
          <li key={m.userId}>
            <PresenceDot client={client} userId={m.userId} />
            <span>{names.name(m.userId)}</span>
            <span class="role">{m.role}</span>
            {canManage && m.userId !== client.userId && m.role !== 'owner' && (group.yourRole === 'owner' || m.role === 'member') && (
              <button type="button" onClick={() => remove(m.userId)} aria-label={`Remove ${names.name(m.userId)}`}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {canManage && (
        <form onSubmit={add}>
          <label>
            Add member (username)
            <input value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoComplete="off" />
          </label>
          <button type="submit">Add</button>
        </form>
      )}
      <button type="button" class="danger" onClick={leave}>
        Leave group
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
