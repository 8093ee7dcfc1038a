import { describe, expect, it } from 'vitest';
import { AppError } from '@tt/shared';
import { createPasswordPolicy } from './password.policy';
import type { BreachCheck } from './breach-check';

const context = { email: 'alice.trader@example.com' };

async function rejection(promise: Promise<void>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('createPasswordPolicy', () => {
  const policy = createPasswordPolicy();

  it('accepts a long passphrase and any characters, counting code points after NFKC', async () => {
    await expect(policy.assertAcceptable('correct horse battery staple', context)).resolves.toBeUndefined();
    await expect(policy.assertAcceptable('пароль-очень-длинный-🔐', context)).resolves.toBeUndefined();
    await expect(policy.assertAcceptable('Ωμέγα λάμβδα κάππα ζήτα', context)).resolves.toBeUndefined();
  });

  it('refuses fewer than 12 characters and more than 128', async () => {
    const short = await rejection(policy.assertAcceptable('kP9#vL2$mQ8', context));
    expect(short.code).toBe('AUTH.PASSWORD_REJECTED');
    expect(short.errors?.[0]?.field).toBe('body.password');
    expect(short.detail).toMatch(/at least 12/);
    const long = await rejection(policy.assertAcceptable('xY7!qR3@zT5#'.repeat(11), context));
    expect(long.detail).toMatch(/at most 128/);
  });

  it('counts a 12-emoji password as 12 characters, not 24 UTF-16 units', async () => {
    const emoji = '🦊🐙🦉🐝🦀🐢🦒🦔🐬🦜🐍🦥';
    expect(emoji.length).toBe(24);
    await expect(policy.assertAcceptable(emoji, context)).resolves.toBeUndefined();
    const eleven = await rejection(policy.assertAcceptable(emoji.slice(0, 22), context));
    expect(eleven.detail).toMatch(/at least 12/);
  });

  it('refuses passwords from the shipped common-password list, whatever their case', async () => {
    const error = await rejection(policy.assertAcceptable('QWERTY123456', context));
    expect(error.detail).toMatch(/commonly used/);
    await rejection(policy.assertAcceptable('1qaz2wsx3edc', context));
  });

  it('refuses guessable patterns the list does not spell out', async () => {
    for (const password of ['password1234', 'aaaaaaaaaaaaaaaa', 'monkey123456789', 'abcdefghijklmnop']) {
      const error = await rejection(policy.assertAcceptable(password, context));
      expect(error.code).toBe('AUTH.PASSWORD_REJECTED');
    }
  });

  it('refuses a password built from the account email', async () => {
    await rejection(policy.assertAcceptable('alice.trader@example.com', context));
  });

  it('refuses a password the breach check knows, and only asks it after the offline checks', async () => {
    const asked: string[] = [];
    const breachCheck: BreachCheck = {
      isBreached: async (password) => {
        asked.push(password);
        return password === 'correct horse battery staple';
      },
    };
    const withBreaches = createPasswordPolicy({ breachCheck });
    const error = await rejection(withBreaches.assertAcceptable('correct horse battery staple', context));
    expect(error.detail).toMatch(/breach/);
    await rejection(withBreaches.assertAcceptable('short', context));
    expect(asked).toEqual(['correct horse battery staple']);
  });
});
