import { useEffect, useMemo, useState } from 'preact/hooks';
import { IndexedDbStore, ParleyApiError, ParleyClient, RestClient, type Session } from '@parley/client';
import { Chat, type Selection } from './chat';
import { ConversationList } from './list';
import { NameBook, useClient, useNames } from './hooks';

const SESSION_KEY = 'parley.session';

interface Saved {
  session: Session;
  displayName: string;
}

function loadSaved(): Saved | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Saved | null;
    // An expired access token is fine while there is a refresh token: the client refreshes it.
    if (saved && (saved.session.expiresAt > Date.now() + 60_000 || saved.session.refreshToken)) return saved;
  } catch {
    // ignore a broken entry
  }
  return undefined;
}

export function errorText(e: unknown): string {
  if (e instanceof ParleyApiError) return e.userMessage;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function App() {
  const [saved, setSaved] = useState<Saved | undefined>(loadSaved);
  if (!saved) {
    return (
      <AuthScreen
        onLoggedIn={(s) => {
          localStorage.setItem(SESSION_KEY, JSON.stringify(s));
          setSaved(s);
        }}
      />
    );
  }
  return (
    <Main
      key={saved.session.userId}
      saved={saved}
      onLogout={() => {
        localStorage.removeItem(SESSION_KEY);
        setSaved(undefined);
      }}
    />
  );
}

function AuthScreen({ onLoggedIn }: { onLoggedIn: (s: Saved) => void }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const rest = useMemo(() => new RestClient({ baseUrl: '' }), []);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      if (mode === 'signup') await rest.signUp(username, password, displayName || username);
      const session = await rest.login(username, password);
      const me = await new RestClient({ baseUrl: '', token: () => session.accessToken }).me();
      onLoggedIn({ session, displayName: me.displayName });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="auth">
      <h1>Parley</h1>
      <div class="tabs" role="tablist" aria-label="Account">
        <button role="tab" aria-selected={mode === 'login'} onClick={() => setMode('login')} type="button">
          Log in
        </button>
        <button role="tab" aria-selected={mode === 'signup'} onClick={() => setMode('signup')} type="button">
          Sign up
        </button>
      </div>
      <form onSubmit={submit} aria-label={mode === 'login' ? 'Log in' : 'Sign up'}>
        <label>
          Username
          <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {mode === 'signup' && (
          <label>
            Display name
            <input name="displayName" autoComplete="name" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
          </label>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
      </form>
    </main>
  );
}

function Main({ saved, onLogout }: { saved: Saved; onLogout: () => void }) {
  const client = useMemo(() => {
    const c = new ParleyClient({ baseUrl: '', store: IndexedDbStore.forUser(saved.session.userId) });
    c.useSession(saved.session);
    return c;
  }, [saved.session]);
  const names = useMemo(() => {
    const book = new NameBook(client);
    book.set(saved.session.userId, saved.displayName);
    return book;
  }, [client]);
  const [selection, setSelection] = useState<Selection | undefined>();
  const [expired, setExpired] = useState(false);
  useClient(client);
  useNames(names);

  useEffect(() => {
    const offExpired = client.on('authExpired', () => setExpired(true));
    // Refresh tokens are single use: keep the renewed session, or a reload would present a used one.
    const offSession = client.on('session', (session) =>
      localStorage.setItem(SESSION_KEY, JSON.stringify({ session, displayName: saved.displayName })),
    );
    const offConv = client.on('conversations', (list) => {
      for (const c of list) if (c.peer) names.set(c.peer.userId, c.peer.displayName);
    });
    client
      .connect()
      .then(() => client.subscribePresence())
      .catch(() => undefined);
    const onVisible = () => {
      if (document.visibilityState === 'visible') client.reconnectNow();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      offExpired();
      offSession();
      offConv();
      document.removeEventListener('visibilitychange', onVisible);
      client.close();
    };
  }, [client]);

  // A first message to someone creates the conversation: follow it once acked.
  useEffect(
    () =>
      client.on('pending', (p) => {
        setSelection((sel) => (sel && 'to' in sel && p.to === sel.to && p.conversationId ? { conversationId: p.conversationId } : sel));
      }),
    [client],
  );

  async function logout() {
    await client.logout();
    onLogout();
  }

  const info = client.connection;
  return (
    <div class={`shell ${selection ? 'has-selection' : ''}`}>
      <header class="top">
        <h1>Parley</h1>
        <ConnectionBadge state={info.state} pending={info.pending} reason={info.reason} node={info.node} />
        <span class="me" aria-label="Logged in as">
          {saved.displayName}
        </span>
        <button type="button" onClick={logout}>
          Log out
        </button>
      </header>
      {expired && (
        <p class="error banner" role="alert">
          Your session has expired. <button onClick={logout}>Log in again</button>
        </p>
      )}
      <div class="layout">
        <ConversationList client={client} names={names} selection={selection} onSelect={setSelection} />
        {selection ? (
          <Chat client={client} names={names} selection={selection} onBack={() => setSelection(undefined)} />
        ) : (
          <main class="empty">
            <p>Pick a conversation, or start one.</p>
          </main>
        )}
      </div>
    </div>
  );
}

function ConnectionBadge({ state, pending, reason, node }: { state: string; pending: number; reason?: string; node?: string }) {
  const text =
    state === 'online'
      ? 'Connected'
      : state === 'connecting'
        ? 'Connecting…'
        : state === 'reconnecting'
          ? `Reconnecting…${pending > 0 ? ` ${pending} message${pending === 1 ? '' : 's'} waiting to be sent` : ''}`
          : `Offline${pending > 0 ? `, ${pending} message${pending === 1 ? '' : 's'} waiting` : ''}`;
  return (
    <span class={`connection ${state}`} role="status" aria-label="Connection" title={node ? `chat node ${node}` : (reason ?? '')} data-state={state} data-node={node ?? ''}>
      {text}
    </span>
  );
}
