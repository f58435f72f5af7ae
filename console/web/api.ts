/** The console's JSON API (same origin, session cookie). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
    this.status = status;
  }
}

/** Called when the session is missing or expired. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

export async function api<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const url = q.size > 0 ? `${path}?${q.toString()}` : path;
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } } & T;
  if (!res.ok) {
    if (res.status === 401) onSignedOut();
    throw new ApiError(res.status, body.error?.code ?? `HTTP_${String(res.status)}`, body.error?.message ?? res.statusText);
  }
  return body;
}

/** Exchanges the access token for a session cookie. */
export async function signIn(token: string): Promise<boolean> {
  const res = await fetch('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return res.ok;
}
