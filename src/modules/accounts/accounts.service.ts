import argon2 from 'argon2';
import { AccountsReason } from './accounts.errors.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Em } from '../../infra/db.js';
import type { RateLimiter } from '../../infra/rate-limit.js';
import {
  AppError,
  conflict,
  ErrorCode,
  notFound,
  rateLimited,
  unauthenticated,
} from '../../errors.js';
import { Role, User } from './user.entity.js';
import type { LogInInput, SignUpInput, UpdateProfileInput } from './accounts.inputs.js';
import type { TokenService } from './token.service.js';
import {
  normalizeEmail,
  validateBio,
  validateDisplayName,
  validateHandle,
  validateHttpUrl,
  validatePassword,
} from './accounts.validation.js';

/** Who is acting: the request's EntityManager and the signed-in user, if any. */
export interface Actor {
  em: Em;
  viewer: User | null;
  /** The client's network address, for per-address limits. */
  clientAddress: string;
}

/** An actor with a viewer: what services behind an `isSignedIn` rule take. */
export type SignedInActor = Actor & { viewer: User };

export interface AccountsDeps {
  tokens: TokenService;
  limiter: RateLimiter;
  adminEmails: readonly string[];
  loginRateLimit: number;
  loginRateWindowSeconds: number;
}

// A hash to verify against when the email is unknown, so timing does not reveal accounts.
const dummyHash = argon2.hash('not-a-real-password', { type: argon2.argon2id });

export class AccountsService {
  constructor(private readonly deps: AccountsDeps) {}

  async signUp(actor: Actor, input: SignUpInput) {
    const email = normalizeEmail(input.email);
    validatePassword(input.password);
    const handle = validateHandle(input.handle);
    const displayName = validateDisplayName(input.displayName);
    const em = actor.em;
    if (await em.count(User, { email }))
      throw conflict('email', 'email is already registered', AccountsReason.EMAIL_TAKEN);
    if (await em.count(User, { handle }))
      throw conflict('handle', 'handle is already taken', AccountsReason.HANDLE_TAKEN);
    const user = em.create(User, {
      email,
      handle,
      displayName,
      passwordHash: await argon2.hash(input.password, { type: argon2.argon2id }),
      role: this.deps.adminEmails.includes(email) ? Role.ADMIN : Role.USER,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    try {
      await em.flush();
    } catch (e) {
      // Two sign-ups raced past the checks above: the unique index decides.
      if (e instanceof UniqueConstraintViolationException) {
        em.clear();
        const taken = await em.count(User, { email });
        throw taken
          ? conflict('email', 'email is already registered', AccountsReason.EMAIL_TAKEN)
          : conflict('handle', 'handle is already taken', AccountsReason.HANDLE_TAKEN);
      }
      throw e;
    }
    return { ...(await this.deps.tokens.issue(user.id)), user };
  }

  async logIn(actor: Actor, input: LogInInput) {
    const email = input.email.trim().toLowerCase();
    const { limiter, loginRateLimit: limit, loginRateWindowSeconds: window } = this.deps;
    const [byEmail, byAddress] = await Promise.all([
      limiter.hit(`login:email:${email}`, limit, window),
      limiter.hit(`login:addr:${actor.clientAddress}`, limit * 5, window),
    ]);
    for (const d of [byEmail, byAddress]) if (!d.allowed) throw rateLimited(d.retryAfter);

    const user = await actor.em.findOne(User, { email }, { populate: ['passwordHash'] });
    const ok = await argon2.verify(user?.passwordHash ?? (await dummyHash), input.password);
    if (!user || !ok)
      throw unauthenticated('Wrong email or password', AccountsReason.WRONG_CREDENTIALS);
    return { ...(await this.deps.tokens.issue(user.id)), user };
  }

  async updateProfile(actor: SignedInActor, input: UpdateProfileInput): Promise<User> {
    const user = actor.viewer;
    if (input.displayName !== undefined && input.displayName !== null) {
      user.displayName = validateDisplayName(input.displayName);
    }
    if (input.bio !== undefined) user.bio = validateBio(input.bio);
    if (input.avatarUrl !== undefined) {
      user.avatarUrl = input.avatarUrl?.trim()
        ? validateHttpUrl('avatarUrl', input.avatarUrl)
        : null;
    }
    await actor.em.flush();
    return user;
  }

  /** Admins only (the `isAdmin` rule). */
  async setUserRole(actor: SignedInActor, userId: string, role: Role): Promise<User> {
    const admin = actor.viewer;
    const user = await findUser(actor.em, userId);
    if (!user) throw notFound('User');
    if (user.id === admin.id && role !== Role.ADMIN) {
      throw new AppError(
        ErrorCode.Conflict,
        'Admins cannot remove their own admin role',
        {},
        AccountsReason.OWN_ADMIN_ROLE,
      );
    }
    user.role = role;
    await actor.em.flush();
    return user;
  }

  findById(actor: Actor, id: string): Promise<User | null> {
    return findUser(actor.em, id);
  }

  findByHandle(actor: Actor, handle: string): Promise<User | null> {
    return actor.em.findOne(User, { handle: handle.trim().toLowerCase() });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs: anything else cannot exist, and must not reach PostgreSQL's uuid parser. */
export function isId(id: string): boolean {
  return UUID.test(id);
}

function findUser(em: Em, id: string): Promise<User | null> {
  return isId(id) ? em.findOne(User, { id }) : Promise.resolve(null);
}
