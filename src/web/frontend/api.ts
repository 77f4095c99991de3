/** Talking to the server: JSON actions and the live feed. A `?token=` in the page URL is passed on. */
import type { Tick, View } from '../feed.ts';

const token = new URLSearchParams(location.search).get('token');

export function withToken(path: string): string {
  return token === null ? path : `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** POSTs an action; resolves with the new view or rejects with the server's error message. */
export async function post(path: string, body: Record<string, unknown> = {}): Promise<View> {
  const res = await fetch(withToken(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as View | { error: string };
  if (!res.ok) throw new Error('error' in json ? json.error : `HTTP ${res.status}`);
  return json as View;
}

export interface FeedHandlers {
  view(view: View): void;
  tick(tick: Tick): void;
  connection(open: boolean): void;
}

/** The live feed; EventSource reconnects by itself and the server resends the full view. */
export function openFeed(handlers: FeedHandlers): EventSource {
  const source = new EventSource(withToken('/api/events'));
  source.addEventListener('view', (e) => handlers.view(JSON.parse((e as MessageEvent<string>).data) as View));
  source.addEventListener('tick', (e) => handlers.tick(JSON.parse((e as MessageEvent<string>).data) as Tick));
  source.addEventListener('open', () => handlers.connection(true));
  source.addEventListener('error', () => handlers.connection(false));
  return source;
}
