import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A token is valid this long after it was issued. */
export const TOKEN_TTL_MS = 3_600_000;
/** A token longer than this is not read at all (a forged blob costs no parsing). */
const MAX_TOKEN_LENGTH = 1024;

/** What a served ad's impression token says: who was shown what, where, when. */
export interface TokenClaims {
  /** 128 random bits, hex: the impression's key. */
  id: string;
  campaignId: string;
  creativeId: string;
  /** `u:<user id>`, `anon:<x-anonymous-id>` or `anon`. */
  viewer: string;
  placement: string;
  contentId: string | null;
  /** Epoch ms. */
  issuedAt: number;
}

/**
 * Impression tokens: `base64url(JSON claims) . base64url(HMAC-SHA-256)`, signed with the
 * server's ads key (ADS_TOKEN_SECRET), compared in constant time. Stateless: serving writes
 * nothing; the impression row, written once when tracked, is what makes it count once.
 */
export class ImpressionTokens {
  constructor(private readonly key: Buffer) {}

  issue(claims: Omit<TokenClaims, 'id'>): { token: string; claims: TokenClaims } {
    const full: TokenClaims = { id: randomBytes(16).toString('hex'), ...claims };
    const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, claims: full };
  }

  /** The claims of a well-signed, unexpired token; null for anything else. */
  verify(token: string, now: number): TokenClaims | null {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
    const dot = token.indexOf('.');
    if (dot < 1) return null;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return null;
    }
    if (typeof claims?.id !== 'string' || !/^[0-9a-f]{32}$/.test(claims.id)) return null;
    if (typeof claims.issuedAt !== 'number') return null;
    if (now - claims.issuedAt > TOKEN_TTL_MS || claims.issuedAt - now > 60_000) return null;
    return claims;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
