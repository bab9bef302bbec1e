import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badInput, forbidden, notFound, unauthenticated } from '../../errors.js';
import { ApiScope } from '../../infra/api-scopes.js';
import { commit, type Em } from '../../infra/db.js';
import type { KeyPrincipal } from '../../context.js';
import { isId, type SignedInActor } from '../accounts/index.js';
import { ApiKey } from './api-key.entity.js';
import { Organization } from './organization.entity.js';
import { PartnersReason } from './partners.errors.js';
import { canManage } from './partners.policy.js';
import type { OrganizationsService } from './organizations.service.js';

const DEFAULT_RATE = 600;
const MAX_RATE = 6000;
/** `lastUsedAt` is written at most this often per key. */
const LAST_USED_EVERY_MS = 60_000;
/** Keys an organisation holds at most (revoked ones included: they stay listed). */
const MAX_KEYS = 100;
const KEY_SHAPE = /^(mq_[0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface CreateKeyInput {
  name: string;
  scopes: ApiScope[];
  rateLimitPerMinute?: number | null;
  expiresAt?: Date | null;
}

/**
 * API keys: `mq_` + 8 hex characters (the prefix: shown, logged, indexed) + `_` + 256 random
 * bits. Only an HMAC of the whole key is stored, compared in constant time. Every request
 * looks its key up (no cache): a revocation or expiry holds on the next request, on every
 * process.
 */
export class ApiKeysService {
  private readonly hmacKey: Buffer;

  constructor(
    apiKeySecret: string,
    private readonly organizations: OrganizationsService,
    private readonly fork: () => Em,
  ) {
    // Domain-separated from anything else a deployment might reuse the secret for.
    this.hmacKey = createHash('sha256').update(`marquee api keys\0${apiKeySecret}`).digest();
  }

  private hash(secret: string): string {
    return createHmac('sha256', this.hmacKey).update(secret).digest('hex');
  }

  async create(actor: SignedInActor, organizationId: string, input: CreateKeyInput) {
    const name = input.name.trim();
    if (!name || Array.from(name).length > 100)
      throw badInput('name', 'must be 1 to 100 characters');
    const scopes = [...new Set(input.scopes)];
    if (!scopes.length) throw badInput('scopes', 'must name at least one scope');
    const rate = input.rateLimitPerMinute ?? DEFAULT_RATE;
    if (!Number.isSafeInteger(rate) || rate < 1 || rate > MAX_RATE)
      throw badInput('rateLimitPerMinute', `must be from 1 to ${MAX_RATE}`);
    if (input.expiresAt && !(input.expiresAt.getTime() > Date.now()))
      throw badInput('expiresAt', 'must be in the future');
    return commit(actor, async (tx) => {
      const org = await this.organizations.managed(tx, actor, organizationId);
      if ((await tx.count(ApiKey, { organization: org.id })) >= MAX_KEYS)
        throw badInput('organizationId', `an organisation holds at most ${MAX_KEYS} keys`);
      const prefix = `mq_${randomBytes(4).toString('hex')}`;
      const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
      const apiKey = tx.create(ApiKey, {
        organization: org.id,
        name,
        prefix,
        hash: this.hash(secret),
        scopes,
        rateLimitPerMinute: rate,
        createdBy: actor.viewer.id,
        expiresAt: input.expiresAt ?? null,
      });
      return { apiKey, secret };
    });
  }

  async revoke(actor: SignedInActor, id: string): Promise<ApiKey> {
    return commit(actor, async (tx) => {
      const key = isId(id) ? await tx.findOne(ApiKey, { id: id.toLowerCase() }) : null;
      if (!key) throw notFound('ApiKey');
      const role = await this.organizations.roleOf(tx, key.organization.id, actor.viewer.id);
      if (!canManage(actor.viewer, role))
        throw forbidden(
          'Only owners and admins manage keys',
          PartnersReason.NOT_ORGANIZATION_ADMIN,
        );
      key.revokedAt ??= new Date();
      return key;
    });
  }

  /** The key behind `secret`, now: UNAUTHENTICATED (with a reason) when it does not hold. */
  async authenticate(secret: string): Promise<{ principal: KeyPrincipal; userId: string }> {
    const shape = KEY_SHAPE.exec(secret);
    if (!shape) throw unauthenticated('Unknown API key', PartnersReason.KEY_INVALID);
    const em = this.fork();
    const key = await em.findOne(ApiKey, { prefix: shape[1]! }, { populate: ['organization'] });
    const given = Buffer.from(this.hash(secret), 'hex');
    // Compared in constant time, against a stand-in when no row has the prefix.
    const stored = Buffer.from(key?.hash ?? '0'.repeat(64), 'hex');
    if (!key || !timingSafeEqual(given, stored))
      throw unauthenticated('Unknown API key', PartnersReason.KEY_INVALID);
    const now = new Date();
    if (key.revokedAt)
      throw unauthenticated('This API key was revoked', PartnersReason.KEY_REVOKED);
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime())
      throw unauthenticated('This API key has expired', PartnersReason.KEY_EXPIRED);
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
      // Conditional: of concurrent requests (any process) in the same minute, one writes.
      await em.nativeUpdate(
        ApiKey,
        {
          id: key.id,
          $or: [
            { lastUsedAt: null },
            { lastUsedAt: { $lt: new Date(now.getTime() - LAST_USED_EVERY_MS) } },
          ],
        },
        { lastUsedAt: now },
      );
    }
    const org: Organization = key.organization.getEntity();
    return {
      principal: {
        id: key.id,
        prefix: key.prefix,
        organizationId: org.id,
        scopes: key.scopes,
        rateLimitPerMinute: key.rateLimitPerMinute,
      },
      userId: org.profile.id,
    };
  }

  /** The ids among `ids` of keys that no longer authenticate (revoked, expired, deleted). */
  async invalid(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const now = new Date();
    const valid = await this.fork().find(
      ApiKey,
      {
        id: { $in: [...ids] },
        revokedAt: null,
        $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
      },
      { fields: ['id'] },
    );
    const ok = new Set(valid.map((k) => k.id));
    return new Set(ids.filter((id) => !ok.has(id)));
  }
}
