import argon2 from 'argon2';
import { AccountsReason } from './accounts.errors.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { commit, settle, type Em } from '../../infra/db.js';
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
import { findUser } from './user.lookup.js';
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
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    let user: User;
    try {
      user = await commit(actor, async (tx) =>
        tx.create(User, {
          email,
          handle,
          displayName,
          passwordHash,
          role: this.deps.adminEmails.includes(email) ? Role.ADMIN : Role.USER,
          createdAt: new Date(),
          updatedAt: new Date(),
        }),
      );
    } catch (e) {
      // Two sign-ups raced past the checks above: the unique index decides.
      if (e instanceof UniqueConstraintViolationException) {
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
    const changes: Partial<Pick<User, 'displayName' | 'bio' | 'avatarUrl' | 'updatedAt'>> = {};
    if (input.displayName !== undefined && input.displayName !== null) {
      changes.displayName = validateDisplayName(input.displayName);
    }
    if (input.bio !== undefined) changes.bio = validateBio(input.bio);
    if (input.avatarUrl !== undefined) {
      changes.avatarUrl = input.avatarUrl?.trim()
        ? validateHttpUrl('avatarUrl', input.avatarUrl)
        : null;
    }
    if (!Object.keys(changes).length) return actor.viewer;
    changes.updatedAt = new Date();
    await commit(actor, (tx) => tx.nativeUpdate(User, { id: actor.viewer.id }, changes));
    // The viewer was read at the start of the request: it shows the change without a query.
    return settle<User>(actor.em, actor.viewer, changes);
  }

  /** Admins only (the `isAdmin` rule). */
  setUserRole(actor: SignedInActor, userId: string, role: Role): Promise<User> {
    return commit(actor, async (tx) => {
      const user = await findUser(tx, userId);
      if (!user) throw notFound('User');
      if (user.id === actor.viewer.id && role !== Role.ADMIN) {
        throw new AppError(
          ErrorCode.Conflict,
          'Admins cannot remove their own admin role',
          {},
          AccountsReason.OWN_ADMIN_ROLE,
        );
      }
      user.role = role;
      return user;
    });
  }

  findById(actor: Actor, id: string): Promise<User | null> {
    return findUser(actor.em, id);
  }

  findByHandle(actor: Actor, handle: string): Promise<User | null> {
    return actor.em.findOne(User, { handle: handle.trim().toLowerCase() });
  }
}
