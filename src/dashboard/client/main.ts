import { request } from './graphql.js';
import { LOG_IN, type AuthPayload } from './operations.js';
import { startSession, type Session } from './session.js';
import { byId, renderState, showError } from './views.js';

// The dashboard's entry: sign in, run a session, sign out. The token lives in memory only:
// a reload signs out, and nothing else on the origin can read it later.

/** setTimeout's longest delay; a later expiry is checked again at that point. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const form = byId<HTMLFormElement>('sign-in');
let session: Session | null = null;
let expiry: ReturnType<typeof setTimeout> | undefined;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('sign-in-error', null);
  const submit = form.querySelector('button')!;
  submit.disabled = true;
  try {
    const input = {
      email: byId<HTMLInputElement>('email').value,
      password: byId<HTMLInputElement>('password').value,
    };
    const { logIn } = await request<{ logIn: AuthPayload }>(LOG_IN, { input }, null);
    form.reset();
    begin(logIn);
  } catch (e) {
    showError('sign-in-error', e instanceof Error ? e.message : String(e));
  } finally {
    submit.disabled = false;
  }
});

byId('sign-out').addEventListener('click', () => end(null));

function begin(auth: AuthPayload): void {
  form.hidden = true;
  byId('dashboard').hidden = false;
  byId('sign-out').hidden = false;
  byId('viewer').textContent = `@${auth.user.handle} · ${auth.user.role.toLowerCase()}`;
  session = startSession(auth, () => end('The server refused the session: sign in again.'));
  // The server checks a token when a connection opens, not afterwards: the page ends the
  // session itself when the token runs out.
  const expiresAt = Date.parse(auth.expiresAt);
  const check = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) end('The session expired: sign in again.');
    else expiry = setTimeout(check, Math.min(left, MAX_TIMER_MS));
  };
  check();
}

function end(message: string | null): void {
  clearTimeout(expiry);
  session?.end();
  session = null;
  byId('dashboard').hidden = true;
  byId('sign-out').hidden = true;
  byId('viewer').textContent = '';
  form.hidden = false;
  renderState('signed-out');
  showError('sign-in-error', message);
}
