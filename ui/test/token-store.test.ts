import { beforeEach, describe, expect, it } from 'vitest';
import { forgetToken, saveToken, takeToken, TOKEN_STORAGE_KEY } from '../src/auth/token-store.js';

describe('the admin token', () => {
  beforeEach(() => {
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });

  it('is read from #token=…, kept in sessionStorage and removed from the address bar', () => {
    window.history.replaceState(null, '', '/?preset=3m#token=abc.def.ghi');
    expect(takeToken()).toBe('abc.def.ghi');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc.def.ghi');
    expect(window.location.hash).toBe('');
    expect(`${window.location.pathname}${window.location.search}`).toBe('/?preset=3m');
  });

  it('keeps other fragment parameters', () => {
    window.history.replaceState(null, '', '/#token=abc&panel=aging');
    expect(takeToken()).toBe('abc');
    expect(window.location.hash).toBe('#panel=aging');
  });

  it('comes from sessionStorage on a reload, and is gone once forgotten', () => {
    saveToken('  stored-token ');
    expect(takeToken()).toBe('stored-token');
    forgetToken();
    expect(takeToken()).toBeNull();
  });

  it('prefers a token in the link to the stored one', () => {
    saveToken('old');
    window.history.replaceState(null, '', '/#token=new');
    expect(takeToken()).toBe('new');
    expect(takeToken()).toBe('new');
  });
});
