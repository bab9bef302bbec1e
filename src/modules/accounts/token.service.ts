import { errors, jwtVerify, SignJWT } from 'jose';
import { AccountsReason } from './accounts.errors.js';
import { unauthenticated } from '../../errors.js';

const ISSUER = 'marquee';

/** HS256 access tokens: `sub` is the user id. Roles are read from the database per request. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The user id of a valid token; UNAUTHENTICATED for anything else, never anonymous. */
  async verify(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        // jose checks `exp` only when present: a token without one would never expire.
        requiredClaims: ['exp'],
      });
      if (!payload.sub) throw unauthenticated('Invalid token', AccountsReason.TOKEN_INVALID);
      return payload.sub;
    } catch (e) {
      if (e instanceof errors.JWTExpired)
        throw unauthenticated('Token expired', AccountsReason.TOKEN_EXPIRED);
      throw unauthenticated('Invalid token', AccountsReason.TOKEN_INVALID);
    }
  }

  /** Parses an `Authorization` value: absent → null; anything but a valid bearer token → error. */
  async verifyHeader(value: string | undefined | null): Promise<string | null> {
    if (value === undefined || value === null || value === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
    if (!match)
      throw unauthenticated('Authorization must be "Bearer <token>"', AccountsReason.TOKEN_INVALID);
    return this.verify(match[1]!);
  }
}
