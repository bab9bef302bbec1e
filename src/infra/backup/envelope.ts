import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { PassThrough, Readable, type Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupError } from './backup.errors.js';

/**
 * A backup file: a 26-byte header, the AES-256-GCM ciphertext of the payload, the 16-byte
 * GCM tag. The header is the cipher's additional data, so changing any byte of the file
 * fails authentication.
 *
 *   magic "MQBK" | version (1) | kind (1 SQLite, 2 PostgreSQL) | key id (8) | nonce (12)
 *
 * The key id is a one-way fingerprint of the key: it tells a wrong key from a damaged
 * file without revealing anything about the key.
 */
const MAGIC = Buffer.from('MQBK', 'ascii');
const VERSION = 1;
const HEADER_LENGTH = 26;
const TAG_LENGTH = 16;
const KINDS = { sqlite: 1, postgresql: 2 } as const;

export type BackupKind = keyof typeof KINDS;

export interface BackupHeader {
  kind: BackupKind;
  /** Hex fingerprint of the key that encrypted the file. */
  keyId: string;
}

/** The fingerprint of a key, as the header stores it (hex). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('marquee-backup-key-id\0')
    .update(key)
    .digest()
    .subarray(0, 8)
    .toString('hex');
}

/**
 * Encrypts `source` (through `compress`) into `file`, written under a temporary name and renamed once complete:
 * a failed or interrupted backup never leaves a file that looks whole, nor replaces a
 * previous one. The file is readable by its owner only.
 */
export async function writeEncrypted(
  file: string,
  kind: BackupKind,
  key: Buffer,
  source: Readable,
  compress: Transform = new PassThrough(),
): Promise<void> {
  const nonce = randomBytes(12);
  const header = Buffer.concat([
    MAGIC,
    Buffer.from([VERSION, KINDS[kind]]),
    Buffer.from(keyIdOf(key), 'hex'),
    nonce,
  ]);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(header);
  const partial = `${file}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await pipeline(
      source,
      compress,
      cipher,
      async function* (ciphertext: AsyncIterable<Buffer>) {
        yield header;
        yield* ciphertext;
        // Available once the cipher has flushed, which ends the loop above.
        yield cipher.getAuthTag();
      },
      createWriteStream(partial, { mode: 0o600 }),
    );
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Reads and checks a backup's header: what it holds and that `key` is the one that made it. */
export async function readHeader(file: string, key: Buffer): Promise<BackupHeader> {
  const { kind, keyId } = await inspect(file, key);
  return { kind, keyId };
}

async function inspect(file: string, key: Buffer) {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new BackupError(`cannot read ${file}: ${err.code ?? err.message}`);
  });
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(HEADER_LENGTH);
    const tag = Buffer.alloc(TAG_LENGTH);
    await handle.read(header, 0, HEADER_LENGTH, 0);
    if (size < HEADER_LENGTH + TAG_LENGTH || !header.subarray(0, 4).equals(MAGIC)) {
      throw new BackupError(`${file} is not a Marquee backup`);
    }
    await handle.read(tag, 0, TAG_LENGTH, size - TAG_LENGTH);
    if (header[4] !== VERSION) {
      throw new BackupError(
        `${file} has backup format ${header[4]}; this version reads ${VERSION}`,
      );
    }
    const kind = (Object.keys(KINDS) as BackupKind[]).find((k) => KINDS[k] === header[5]);
    if (!kind) throw new BackupError(`${file} names an unknown database kind (${header[5]})`);
    const keyId = header.subarray(6, 14).toString('hex');
    if (keyId !== keyIdOf(key)) {
      throw new BackupError(
        `${file} was encrypted with another key (key id ${keyId}; BACKUP_ENCRYPTION_KEY has ${keyIdOf(key)})`,
      );
    }
    return { kind, keyId, size, header, tag };
  } finally {
    await handle.close();
  }
}

/**
 * Decrypts `file` into `sink` (through `decompress`). GCM authenticates only at the end,
 * so the caller writes to a scratch file and uses it once this resolves: an
 * unauthenticated byte is never applied to a database.
 */
export async function readEncrypted(
  file: string,
  key: Buffer,
  sink: Writable,
  decompress: Transform = new PassThrough(),
): Promise<BackupHeader> {
  const { kind, keyId, size, header, tag } = await inspect(file, key);
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(14)).setAAD(header);
  decipher.setAuthTag(tag);
  // The key is right (the header said so): a failed tag, or plaintext that does not
  // decompress, is a changed file. Anything else (a full disk) is reported as it is.
  try {
    await pipeline(
      // An empty payload has no bytes between header and tag: `end` would precede `start`.
      size > HEADER_LENGTH + TAG_LENGTH
        ? createReadStream(file, { start: HEADER_LENGTH, end: size - TAG_LENGTH - 1 })
        : Readable.from([]),
      decipher,
      decompress,
      sink,
    );
  } catch (err) {
    // By kind, not by which stream reported it: a pipeline passes one error to every stage.
    const e = err as NodeJS.ErrnoException;
    if (!e.message.includes('unable to authenticate') && !e.code?.startsWith('Z_')) throw err;
    throw new BackupError(
      `${file} failed authentication: it was modified or damaged after it was written`,
    );
  }
  return { kind, keyId };
}
