import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SigningSecrets {
  readonly jwtSecret: string;
  readonly cronJwtSecret: string;
}

export const DEFAULT_DEV_SECRETS_FILE = './data/secrets.json';

function generateSecret(): string {
  return randomBytes(48).toString('base64url');
}

/**
 * Outside production the demo needs no setup: secrets are generated once and kept in a
 * git-ignored file (mode 0600), so tokens printed by one `npm start` still work after a restart.
 */
export function loadOrCreateDevSecrets(file: string): SigningSecrets {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<SigningSecrets>;
    if (typeof stored.jwtSecret === 'string' && typeof stored.cronJwtSecret === 'string') {
      return { jwtSecret: stored.jwtSecret, cronJwtSecret: stored.cronJwtSecret };
    }
  }
  const secrets: SigningSecrets = { jwtSecret: generateSecret(), cronJwtSecret: generateSecret() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}
