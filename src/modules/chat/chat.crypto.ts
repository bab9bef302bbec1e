import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A message key from configuration: its id is stored beside every body it seals. */
export interface ChatKey {
  id: string;
  key: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bodies opened recently, so one event reaching many subscribers is opened once per process. */
const OPENED_CACHE = 1000;

/**
 * AES-256-GCM for message bodies at rest. The first key seals; every key opens, so keys
 * rotate by putting a new one first and keeping the old ones until no row uses them. The
 * message id is the associated data: a sealed body copied onto another row does not open.
 */
export class MessageCipher {
  private readonly byId: Map<string, Buffer>;
  private readonly opened = new Map<string, string>();

  constructor(private readonly keys: readonly ChatKey[]) {
    if (!keys.length) throw new Error('MessageCipher needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** base64 of iv | tag | ciphertext, and the id of the key used. */
  seal(messageId: string, plaintext: string): { keyId: string; ciphertext: string } {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(messageId, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: id,
      ciphertext: Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64'),
    };
  }

  /** Throws when the key is unknown or the data was tampered with. */
  open(messageId: string, keyId: string, sealed: string): string {
    const cacheKey = `${messageId}:${keyId}:${sealed}`;
    const cached = this.opened.get(cacheKey);
    if (cached !== undefined) return cached;
    const plaintext = this.decrypt(messageId, keyId, sealed);
    if (this.opened.size >= OPENED_CACHE) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(cacheKey, plaintext);
    return plaintext;
  }

  private decrypt(messageId: string, keyId: string, sealed: string): string {
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`No chat encryption key with id ${keyId}`);
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(messageId, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }
}
