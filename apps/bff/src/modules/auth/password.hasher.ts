import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';

/** Argon2id cost. Memory in KiB. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * OWASP's Argon2id baseline (m = 19 MiB, t = 2, p = 1): about 30 ms per hash on one core here,
 * so a 2-core BFF can verify dozens of logins a second while an offline guesser pays 19 MiB each.
 */
export const PRODUCTION_ARGON2: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// `Algorithm` is an ambient const enum, which isolatedModules cannot read; 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm;

export interface PasswordHasher {
  readonly params: Argon2Params;
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verification, for sign-ins to accounts that do not exist. */
  verifyDummy(password: string): Promise<void>;
  /** True when a stored hash was made with weaker parameters than the current ones. */
  needsRehash(passwordHash: string): boolean;
}

export function createPasswordHasher(params: Argon2Params = PRODUCTION_ARGON2): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...params };
  // Made up front, so even the first sign-in to an unknown email costs one verification, not a hash too.
  const dummy = hash('not a real password, only spends time', options);
  dummy.catch(() => undefined);
  return {
    params,
    hash: (password) => hash(password, options),
    verify: async (passwordHash, password) => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
    verifyDummy: async (password) => {
      await verify(await dummy, password).catch(() => false);
    },
    needsRehash: (passwordHash) => {
      try {
        const stored = parseOptions(passwordHash);
        return (
          stored.algorithm !== ARGON2ID ||
          stored.memoryCost < params.memoryCost ||
          stored.timeCost < params.timeCost ||
          stored.parallelism !== params.parallelism
        );
      } catch {
        return true;
      }
    },
  };
}
