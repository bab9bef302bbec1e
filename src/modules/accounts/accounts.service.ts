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
  boundLoginPassword,
  normalizeEmail,
  validateBio,
  validateDisplayName,
  validateHandle,
  validateHttpUrl,
  validatePassword,
  HANDLE,
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
  signUpRateLimit: number;
  signUpRateWindowSeconds: number;
}

/** The answer to a sign-up with a registered email: it names no field and no account. */
const signUpRefused = () =>
  new AppError(
    ErrorCode.Conflict,
    'Cannot sign up with these details; if you already have an account, log in',
    {},
    AccountsReason.SIGN_UP_REFUSED,
  );

// A hash to verify against when the email is unknown, so timing does not reveal accounts.
const dummyHash = argon2.hash('not-a-real-password', { type: argon2.argon2id });
/** The password hash of a user that cannot sign in (an organisation's profile). */
const NO_PASSWORD = '!';
const PROFILE_EMAIL_DOMAIN = 'organizations.marquee.invalid';
const canSignIn = (hash: string) => hash.startsWith('$argon2');

export class AccountsService {
  constructor(private readonly deps: AccountsDeps) {}

  /**
   * Sign-up, rate-limited per client address. An email already registered gets the same
   * answer as any refused sign-up (`signUpRefused`, no `field`), after the same costly work
   * (the password is hashed first), so neither wording nor timing tells which emails have
   * accounts. Handles are public: a taken handle says so.
   */
  async signUp(actor: Actor, input: SignUpInput) {
    const email = normalizeEmail(input.email);
    validatePassword(input.password);
    const handle = validateHandle(input.handle);
    const displayName = validateDisplayName(input.displayName);
    const { limiter, signUpRateLimit: limit, signUpRateWindowSeconds: window } = this.deps;
    const byAddress = await limiter.hit('signup:addr', actor.clientAddress, limit, window);
    if (!byAddress.allowed) throw rateLimited(byAddress.retryAfter);

    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    const em = actor.em;
    if (await em.count(User, { handle }))
      throw conflict('handle', 'handle is already taken', AccountsReason.HANDLE_TAKEN);
    if (await em.count(User, { email })) throw signUpRefused();
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
        if (await em.count(User, { handle }))
          throw conflict('handle', 'handle is already taken', AccountsReason.HANDLE_TAKEN);
        throw signUpRefused();
      }
      throw e;
    }
    return { ...(await this.deps.tokens.issue(user.id)), user };
  }

  /**
   * Rate-limited per email and per client address. The email's shape and the password's
   * length are checked before anything is counted: an input that cannot be an account's
   * is refused without taking a counter.
   */
  /**
   * A user that represents an organisation (its content's author): no password, so it can
   * never sign in; created inside the caller's transaction. CONFLICT HANDLE_TAKEN when the
   * handle is someone's.
   */
  async createProfileUser(tx: Em, handle: string, displayName: string): Promise<User> {
    const valid = validateHandle(handle);
    if (await tx.count(User, { handle: valid }))
      throw conflict('slug', 'handle is already taken', AccountsReason.HANDLE_TAKEN);
    return tx.create(User, {
      email: `${valid}@${PROFILE_EMAIL_DOMAIN}`,
      handle: valid,
      displayName: validateDisplayName(displayName),
      passwordHash: NO_PASSWORD,
      role: Role.USER,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  }

  async logIn(actor: Actor, input: LogInInput) {
    const email = normalizeEmail(input.email);
    boundLoginPassword(input.password);
    const { limiter, loginRateLimit: limit, loginRateWindowSeconds: window } = this.deps;
    const [byEmail, byAddress] = await Promise.all([
      limiter.hit('login:email', email, limit, window),
      limiter.hit('login:addr', actor.clientAddress, limit * 5, window),
    ]);
    for (const d of [byEmail, byAddress]) if (!d.allowed) throw rateLimited(d.retryAfter);

    const user = await actor.em.findOne(User, { email }, { populate: ['passwordHash'] });
    // A profile user (an organisation's) has no password: it is verified against the dummy
    // hash, as a missing account is, so it cannot sign in and takes as long to refuse.
    const hash = user && canSignIn(user.passwordHash) ? user.passwordHash : await dummyHash;
    const ok = (await argon2.verify(hash, input.password)) && hash === user?.passwordHash;
    if (!user || !ok)
      throw unauthenticated('Wrong email or password', AccountsReason.WRONG_CREDENTIALS);
    if (user.role !== Role.ADMIN && this.deps.adminEmails.includes(email)) {
      // The start promoted the accounts listed then; this one was made since on a process
      // that does not list it (or was demoted since): listed here, it is an admin.
      const changes = { role: Role.ADMIN, updatedAt: new Date() };
      await commit(actor, (tx) =>
        tx.nativeUpdate(User, { id: user.id, role: { $ne: Role.ADMIN } }, changes),
      );
      settle<User>(actor.em, user, changes);
    }
    return { ...(await this.deps.tokens.issue(user.id)), user };
  }

  /**
   * Makes ADMIN every account whose email is in `emails` (ADMIN_EMAILS by default), in one
   * UPDATE: run at each server start, so a listed account is an admin whenever it signed up.
   * `emails` are lower-cased, as stored (config normalises ADMIN_EMAILS). Never demotes: an
   * admin who is not listed (made by `setUserRole`) stays one. Returns how many changed.
   */
  promoteAdmins(em: Em, emails: readonly string[] = this.deps.adminEmails): Promise<number> {
    if (!emails.length) return Promise.resolve(0);
    return em.nativeUpdate(
      User,
      { email: { $in: [...emails] }, role: { $ne: Role.ADMIN } },
      { role: Role.ADMIN, updatedAt: new Date() },
    );
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

  /** A handle that cannot exist (the sign-up pattern) is not looked up. */
  findByHandle(actor: Actor, handle: string): Promise<User | null> {
    const h = handle.length > 100 ? '' : handle.trim().toLowerCase();
    return HANDLE.test(h) ? actor.em.findOne(User, { handle: h }) : Promise.resolve(null);
  }
}
