/**
 * The admin token: `npm start` prints `http://127.0.0.1:3000/#token=…`. The fragment never reaches
 * the server or its logs; the dashboard moves it into sessionStorage (gone when the tab closes)
 * and takes it out of the address bar, so it does not end up in bookmarks, history or a shared link.
 */
export const TOKEN_STORAGE_KEY = 'crm-analytics.admin-token';

export interface TokenEnvironment {
  readonly location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  readonly history: Pick<History, 'replaceState' | 'state'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

function browserEnvironment(): TokenEnvironment {
  return { location: window.location, history: window.history, storage: window.sessionStorage };
}

/** Reads `#token=…` (storing it and removing it from the URL), else the stored token, else null. */
export function takeToken(environment: TokenEnvironment = browserEnvironment()): string | null {
  const { location, history, storage } = environment;
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token')?.trim();
  if (fragment.has('token')) {
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  }
  if (fromUrl) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  return storage.getItem(TOKEN_STORAGE_KEY);
}

export function saveToken(token: string, environment: TokenEnvironment = browserEnvironment()): void {
  environment.storage.setItem(TOKEN_STORAGE_KEY, token.trim());
}

export function forgetToken(environment: TokenEnvironment = browserEnvironment()): void {
  environment.storage.removeItem(TOKEN_STORAGE_KEY);
}
