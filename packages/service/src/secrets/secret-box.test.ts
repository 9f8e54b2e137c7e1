import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMasterKey, MasterKeyError, secretBox } from './secret-box.js';

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const keyEnv = (key = randomBytes(32)) => ({ MDE_BRIDGE_MASTER_KEY: key.toString('base64') });

describe('secret box', () => {
  it('round-trips a secret in a v1 envelope with a fresh IV each time', () => {
    const box = secretBox(keyEnv());
    const a = box.seal('s3cret~value', 'contoso');
    const b = box.seal('s3cret~value', 'contoso');
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cret');
    expect(box.open(a, 'contoso')).toBe('s3cret~value');
    expect(box.open(b, 'contoso')).toBe('s3cret~value');
  });

  it('accepts the master key as hex as well as base64', () => {
    const key = randomBytes(32);
    const sealed = secretBox({ MDE_BRIDGE_MASTER_KEY: key.toString('hex') }).seal('x', 't');
    expect(secretBox({ MDE_BRIDGE_MASTER_KEY: key.toString('base64') }).open(sealed, 't')).toBe('x');
  });

  it('detects a tampered ciphertext and a ciphertext moved to another tenant', () => {
    const box = secretBox(keyEnv());
    const sealed = box.seal('client-secret', 'contoso');
    const [v, iv, tag, ct] = sealed.split(':');
    const flipped = Buffer.from(ct, 'base64');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'), 'contoso')).toThrow(
      MasterKeyError,
    );
    expect(() => box.open(sealed, 'fabrikam')).toThrow(MasterKeyError);
    expect(() => box.open('v1:garbage', 'contoso')).toThrow(/not a v1 envelope/);
  });

  it('names the master key as the problem when decrypting with another key', () => {
    const dir = tempDataDir();
    const sealed = secretBox({ ...keyEnv(), MDE_BRIDGE_DATA_DIR: dir }).seal('client-secret', 'contoso');
    const other = secretBox({ ...keyEnv(), MDE_BRIDGE_DATA_DIR: dir });
    expect(() => other.open(sealed, 'contoso')).toThrow(
      `the master key does not match the one this secret was encrypted with — set MDE_BRIDGE_MASTER_KEY or restore ${join(dir, 'master.key')}`,
    );
    try {
      other.open(sealed, 'contoso');
    } catch (err) {
      expect((err as Error).message).not.toContain('client-secret');
    }
  });

  it('creates the key file with mode 0600 on first seal and reuses it', () => {
    const dir = tempDataDir();
    const env = { MDE_BRIDGE_DATA_DIR: dir };
    const sealed = secretBox(env).seal('client-secret', 'contoso');
    const file = join(dir, 'master.key');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(secretBox(env).open(sealed, 'contoso')).toBe('client-secret');
  });

  it('does not create a key file just to open a secret', () => {
    const dir = tempDataDir();
    expect(() => secretBox({ MDE_BRIDGE_DATA_DIR: dir }).open('v1:a:b:c', 'contoso')).toThrow(
      /no master key: set MDE_BRIDGE_MASTER_KEY or restore/,
    );
    expect(existsSync(join(dir, 'master.key'))).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file readable by group or others', () => {
    const dir = tempDataDir();
    const file = join(dir, 'master.key');
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`);
    chmodSync(file, 0o644);
    expect(() => loadMasterKey({ MDE_BRIDGE_DATA_DIR: dir })).toThrow(`run chmod 600 ${file}`);
    expect(() => secretBox({ MDE_BRIDGE_DATA_DIR: dir }).seal('x', 't')).toThrow(/mode 0644/);
    chmodSync(file, 0o600);
    expect(loadMasterKey({ MDE_BRIDGE_DATA_DIR: dir }).key).toHaveLength(32);
  });

  it('refuses a malformed MDE_BRIDGE_MASTER_KEY without echoing it', () => {
    for (const bad of ['hunter2-not-a-key', randomBytes(16).toString('base64'), 'zz'.repeat(32)]) {
      const attempt = () => secretBox({ MDE_BRIDGE_MASTER_KEY: bad }).seal('x', 't');
      expect(attempt).toThrow(
        /MDE_BRIDGE_MASTER_KEY must hold a 32-byte key as base64 \(44 characters\) or hex/,
      );
      try {
        attempt();
      } catch (err) {
        expect((err as Error).message).not.toContain(bad);
      }
    }
  });
});
