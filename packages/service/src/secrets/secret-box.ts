/**
 * Encryption at rest for tenant credentials (client secrets, certificate private keys): AES-256-GCM with a
 * random 12-byte IV, stored as `v1:<iv>:<tag>:<ciphertext>` (base64). The tenant name is the additional
 * authenticated data, so a ciphertext copied onto another tenant's row does not decrypt.
 *
 * The master key comes from `MDE_BRIDGE_MASTER_KEY` (32 bytes, base64 or hex) or from `<dataDir>/master.key`,
 * created on first use with mode 0600. Messages here never contain a key or a plaintext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../config/settings.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The master key is missing, malformed, unsafe, or not the one a secret was encrypted with. */
export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

export interface MasterKey {
  key: Buffer;
  /** Where it came from, for messages: `MDE_BRIDGE_MASTER_KEY` or the key file's path. */
  source: string;
  /** The key file's path (whether or not this key came from it), for "restore …" advice. */
  file: string;
}

export interface SecretBox {
  /** Encrypts `plaintext`, bound to `context` (the tenant name). */
  seal(plaintext: string, context: string): string;
  /** Decrypts an envelope sealed with the same key and `context`. */
  open(envelope: string, context: string): string;
}

/** `<dataDir>/master.key`. */
export function masterKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'master.key');
}

/**
 * The master key from `MDE_BRIDGE_MASTER_KEY`, else from the key file. With `create`, a missing key file is
 * created (32 random bytes, base64, mode 0600); without it, a missing key is an error (decrypting with a new
 * key could only fail).
 */
export function loadMasterKey(env: NodeJS.ProcessEnv = process.env, create = false): MasterKey {
  const fromEnv = env.MDE_BRIDGE_MASTER_KEY?.trim();
  const path = masterKeyPath(env);
  if (fromEnv)
    return { key: parseKey(fromEnv, 'MDE_BRIDGE_MASTER_KEY'), source: 'MDE_BRIDGE_MASTER_KEY', file: path };
  let text: string;
  try {
    if (process.platform !== 'win32') {
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        throw new MasterKeyError(
          `${path} is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${path}`,
        );
      }
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof MasterKeyError) throw err;
      throw new MasterKeyError(`cannot read the master key ${path}: ${(err as Error).message}`);
    }
    if (!create) {
      throw new MasterKeyError(`no master key: set MDE_BRIDGE_MASTER_KEY or restore ${path}`);
    }
    return { key: createKeyFile(path, env), source: path, file: path };
  }
  return { key: parseKey(text.trim(), path), source: path, file: path };
}

/** A box over a fixed key. */
export function secretBoxWithKey(master: MasterKey): SecretBox {
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', master.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
        .join(':');
    },
    open(envelope, context) {
      const parts = envelope.split(':');
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new MasterKeyError(
          `the stored secret of '${context}' is not a ${VERSION} envelope; re-enter it`,
        );
      }
      const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64'));
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new MasterKeyError(`the stored secret of '${context}' is damaged; re-enter it`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', master.key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        // GCM cannot tell a wrong key from an altered ciphertext; the wrong key is by far the likelier cause.
        throw new MasterKeyError(
          `cannot decrypt the stored secret of '${context}': the master key does not match the one this secret was encrypted with — set MDE_BRIDGE_MASTER_KEY or restore ${master.file} (key in use: ${master.source}; or the stored value was altered)`,
        );
      }
    },
  };
}

/**
 * A box that loads the master key on first use: sealing creates the key file if there is none, opening
 * never does. Nothing touches the disk until a secret is actually sealed or opened.
 */
export function secretBox(env: NodeJS.ProcessEnv = process.env): SecretBox {
  let box: SecretBox | undefined;
  const get = (create: boolean) => {
    box ??= secretBoxWithKey(loadMasterKey(env, create));
    return box;
  };
  return {
    seal: (plaintext, context) => get(true).seal(plaintext, context),
    open: (envelope, context) => get(false).open(envelope, context),
  };
}

function parseKey(text: string, source: string): Buffer {
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(text) || /^[A-Za-z0-9_-]{43}$/.test(text))
    key = Buffer.from(text, 'base64');
  if (key?.length !== KEY_BYTES) {
    throw new MasterKeyError(
      `${source} must hold a 32-byte key as base64 (44 characters) or hex (64 characters), not ${text.length} characters of something else; generate one with: openssl rand -base64 32`,
    );
  }
  return key;
}

function createKeyFile(path: string, env: NodeJS.ProcessEnv): Buffer {
  const key = randomBytes(KEY_BYTES);
  mkdirSync(dataDir(env), { recursive: true, mode: 0o700 });
  try {
    // `wx`: if another process created it in the meantime, use theirs rather than overwrite it.
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadMasterKey(env, false).key;
    throw new MasterKeyError(`cannot create the master key ${path}: ${(err as Error).message}`);
  }
  return key;
}
