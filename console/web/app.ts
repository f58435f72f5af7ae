/**
 * The auditor console page: signs in with the access token (from the address's fragment, which never
 * reaches a server, or typed in), routes between the sections by the fragment, and streams ledger
 * changes (server-sent events, resumed with the last change number after a drop).
 */
import type { Change } from '../src/api-types';
import { signIn, whenSignedOut } from './api';
import { dropCharts } from './charts';
import { errorBox, fill, h } from './dom';
import { renderIntelDetail, renderIntelList } from './pages/intel';
import { changeItem, renderOverview } from './pages/overview';
import { renderPaymentDetail, renderPayments } from './pages/payments';
import { renderProofs } from './pages/proofs';

const main = document.getElementById('main') as HTMLElement;
const live = document.getElementById('live') as HTMLElement;
let stream: EventSource | undefined;
let lastSeq = 0;
let refreshTimer: number | undefined;

function section(hash: string): string {
  const s = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return s === '' ? 'overview' : s;
}

/** Each route renders into a view of its own; only the latest one stays in the page and says it is ready. */
let routes = 0;

async function route(): Promise<void> {
  const generation = ++routes;
  const view = document.createElement('div');
  main.replaceChildren(view);
  const hash = location.hash === '' ? '#/' : location.hash;
  const [pathPart = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = pathPart
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const params = new URLSearchParams(query);
  for (const a of document.querySelectorAll('nav a')) {
    if ((a as HTMLElement).dataset.section === section(hash)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  dropCharts();
  const latest = (): boolean => generation === routes;
  try {
    if (parts.length === 0) {
      const seq = await renderOverview(view);
      lastSeq = Math.max(lastSeq, seq);
      document.title = 'Overview · xborder auditor console';
    } else if (parts[0] === 'intel' && parts[1] !== undefined) {
      await renderIntelDetail(view, parts[1]);
      document.title = `${parts[1]} · xborder`;
    } else if (parts[0] === 'intel') {
      await renderIntelList(view, params);
      document.title = 'Intel · xborder auditor console';
    } else if (parts[0] === 'payments' && parts[1] !== undefined) {
      await renderPaymentDetail(view, parts[1]);
      document.title = `${parts[1]} · xborder`;
    } else if (parts[0] === 'payments') {
      await renderPayments(view, params);
      document.title = 'Payments · xborder auditor console';
    } else if (parts[0] === 'proofs') {
      await renderProofs(view);
      document.title = 'Proofs · xborder auditor console';
    } else fill(view, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')));
    if (latest()) document.body.dataset.ready = section(hash);
  } catch (err) {
    view.append(errorBox(err));
    if (latest()) document.body.dataset.ready = 'error';
  }
  dropCharts();
}

/** A followed change: into the activity list on the overview, and a refresh of the overview's numbers. */
function onChange(c: Change): void {
  lastSeq = Math.max(lastSeq, c.seq);
  live.textContent = `live · ${c.kind} ${c.id.slice(0, 40)} at block ${String(c.block)}`;
  const feed = document.getElementById('feed');
  if (feed && !feed.querySelector(`[data-seq="${String(c.seq)}"]`)) feed.prepend(changeItem(c, true));
  document.getElementById('feed-empty')?.remove();
  if (section(location.hash) === 'overview') {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(() => {
      if (section(location.hash) === 'overview') void route();
    }, 400);
  }
}

function follow(): void {
  stream?.close();
  stream = new EventSource(`/api/events?after=${String(lastSeq)}`);
  stream.addEventListener('open', () => {
    live.textContent = 'live';
  });
  stream.addEventListener('change', (e) => {
    onChange(JSON.parse((e as MessageEvent<string>).data) as Change);
  });
  stream.addEventListener('reload', () => void route());
  stream.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
  });
}

function signInForm(message = ''): void {
  stream?.close();
  live.textContent = 'signed out';
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true });
  fill(
    main,
    h(
      'form',
      {
        class: 'signin',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void signIn(input.value).then((ok) => {
            if (ok) start();
            else signInForm('That token was not accepted.');
          });
        },
      },
      h('h1', {}, 'Sign in'),
      h('p', {}, 'Paste the access token `xborder console` printed when it started.'),
      message !== '' ? h('p', { class: 'error', role: 'alert' }, message) : null,
      h('label', {}, 'Access token', input),
      h('p', {}, h('button', { type: 'submit' }, 'Open the console')),
    ),
  );
  document.body.dataset.ready = 'signin';
  input.focus();
}

let started = false;

function start(): void {
  started = true;
  void route().then(follow);
}

/** Signs in with a token given in the address (`#token=...`); false when there is none. */
async function tokenFromAddress(): Promise<boolean> {
  const m = /^#token=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m?.[1] === undefined) return false;
  // take the token out of the address bar and history before anything else
  history.replaceState(null, '', `${location.pathname}#/`);
  if (!(await signIn(m[1]))) signInForm('The token in the address was not accepted.');
  else if (!started) await boot();
  else void route();
  return true;
}

async function boot(): Promise<void> {
  const me = await fetch('/api/me', { credentials: 'same-origin' });
  if (me.status === 401) {
    signInForm();
    return;
  }
  const who = (await me.json()) as { identity: string; mspId: string };
  (document.getElementById('who') as HTMLElement).textContent = `as ${who.identity} (${who.mspId}, read only)`;
  start();
}

whenSignedOut(() => {
  started = false;
  signInForm('Your session has ended: sign in again.');
});
window.addEventListener('hashchange', () => {
  void tokenFromAddress().then((had) => {
    if (!had && started) void route();
  });
});
void tokenFromAddress().then((had) => (had ? undefined : boot()));
