import { useState } from 'preact/hooks';
import type { ConversationView, ParleyClient } from '@parley/client';
import type { Selection } from './chat';
import { errorText } from './app';
import type { NameBook } from './hooks';

export function conversationTitle(c: ConversationView | undefined, names: NameBook): string {
  if (!c) return '';
  if (c.kind === 'group') return c.name ?? 'Group';
  return c.peer?.displayName ?? 'Conversation';
}

export function PresenceDot({ client, userId }: { client: ParleyClient; userId?: string }) {
  const status = userId ? client.presence(userId)?.status ?? 'unknown' : 'unknown';
  return <span class={`dot ${status}`} role="img" aria-label={status === 'online' ? 'online' : status === 'offline' ? 'offline' : 'presence unknown'} />;
}

function preview(c: ConversationView, client: ParleyClient, names: NameBook): string {
  const m = c.lastMessage;
  if (!m) return 'No messages yet';
  const who = m.senderId === client.userId ? 'You: ' : c.kind === 'group' ? `${names.name(m.senderId)}: ` : '';
  if (m.kind === 'system') return 'Group updated';
  return who + (m.text ?? '');
}

export function ConversationList(props: {
  client: ParleyClient;
  names: NameBook;
  selection?: Selection;
  onSelect: (s: Selection) => void;
}) {
  const { client, names, selection, onSelect } = props;
  const [username, setUsername] = useState('');
  const [error, setError] = useState('');
  const [groupOpen, setGroupOpen] = useState(false);
  const list = client.conversationList();

  async function startChat(e: Event) {
    e.preventDefault();
    setError('');
    try {
      const user = await client.rest.userByName(username.trim());
      if (user.id === client.userId) throw new Error('That is you.');
      names.set(user.id, user.displayName);
      const existing = await client.directConversationWith(user.id);
      onSelect(existing ? { conversationId: existing } : { to: user.id });
      setUsername('');
    } catch (err) {
      setError(err instanceof Error && 'status' in err && (err as { status: number }).status === 404 ? `No user named ${username}.` : errorText(err));
    }
  }

  return (
    <nav class="sidebar" aria-label="Conversations">
      <form class="new-chat" onSubmit={startChat}>
        <label>
          Chat with (username)
          <input value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoComplete="off" />
        </label>
        <button type="submit">Start chat</button>
      </form>
      <button type="button" class="new-group" onClick={() => setGroupOpen(!groupOpen)} aria-expanded={groupOpen}>
        New group
      </button>
      {groupOpen && (
        <NewGroup
          client={client}
          names={names}
          onCreated={(id) => {
            setGroupOpen(false);
            onSelect({ conversationId: id });
          }}
        />
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="conversations">
        {list.length === 0 && <li class="hint">No conversations yet.</li>}
        {list.map((c) => {
          const active = selection && 'conversationId' in selection && selection.conversationId === c.conversationId;
          const title = conversationTitle(c, names);
          return (
            <li key={c.conversationId}>
              <button
                type="button"
                class={`conversation ${active ? 'active' : ''}`}
                aria-current={active ? 'true' : undefined}
                onClick={() => onSelect({ conversationId: c.conversationId })}
                data-conversation={c.conversationId}
              >
                {c.kind === 'direct' ? <PresenceDot client={client} userId={c.peer?.userId} /> : <span class="dot group" aria-hidden="true" />}
                <span class="title">{title}</span>
                {c.unreadCount > 0 && (
                  <span class="badge" aria-label={`${c.unreadCount} unread`}>
                    {c.unreadCount}
                  </span>
                )}
                <span class="preview">{c.typing.length > 0 ? 'typing…' : preview(c, client, names)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function NewGroup({ client, names, onCreated }: { client: ParleyClient; names: NameBook; onCreated: (id: string) => void }) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function create(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const usernames = members
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const ids: string[] = [];
      for (const u of usernames) {
        try {
          const user = await client.rest.userByName(u);
          names.set(user.id, user.displayName);
          ids.push(user.id);
        } catch {
          throw new Error(`No user named ${u}.`);
        }
      }
      const group = await client.createGroup(name.trim(), ids);
      onCreated(group.conversationId);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="new-group-form" onSubmit={create} aria-label="New group">
      <label>
        Group name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} />
      </label>
      <label>
        Members (usernames, comma-separated)
        <input value={members} onInput={(e) => setMembers(e.currentTarget.value)} autoComplete="off" />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        Create group
      </button>
    </form>
  );
}
