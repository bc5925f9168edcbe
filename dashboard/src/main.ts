/** The dashboard page: asks for the token once when the server wants one, then shows the front page or an epic. */
import './style.css';
import { loadConfig, getToken, setToken, whenUnauthorized } from './api';
import { clear, h } from './dom';
import { epicPage } from './epic';
import { frontPage } from './front';

const root = document.getElementById('app')!;
let stop: (() => void) | undefined;

function askToken(message?: string): void {
  stop?.();
  clear(root);
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'token', 'aria-labelledby': 'token-h' },
    h('h1', { id: 'token-h' }, 'Dashboard token'),
    h('p', {}, 'This dashboard listens beyond this machine; enter the token it was started with (OVERSEER_DASHBOARD_TOKEN).'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('label', { for: 'token' }, 'Token '),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Use token'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setToken(input.value);
    show();
  });
  root.append(form);
  input.focus();
}

function show(): void {
  stop?.();
  const m = /^\/epic\/([^/]+)\/?$/.exec(location.pathname);
  stop = m ? epicPage(root, decodeURIComponent(m[1])) : frontPage(root);
}

async function boot(): Promise<void> {
  const config = await loadConfig();
  whenUnauthorized(() => {
    setToken(null);
    askToken('The token was not accepted.');
  });
  if (config.tokenRequired && !getToken()) askToken();
  else show();
}

void boot().catch((err) => {
  clear(root);
  root.append(h('p', { class: 'error', role: 'alert' }, `The dashboard server did not answer: ${String(err)}`));
});
