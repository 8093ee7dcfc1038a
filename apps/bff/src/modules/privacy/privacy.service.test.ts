import { describe, expect, it } from 'vitest';
import { createMemoryPubSub } from '../../infra/pubsub';
import { createLogger } from '../../logger';
import type { AuditService } from '../audit';
import type { AuthService, SessionService, UserRepository } from '../auth';
import type { ExportRepository } from './privacy.repository';
import { USER_DELETED_CHANNEL, createPrivacyService } from './privacy.service';

const caller = {
  userId: '00000000-0000-4000-8000-000000000001',
  sessionId: '00000000-0000-4000-8000-0000000000a1',
};
const client = { ip: '192.0.2.1', userAgent: undefined };

function setup(options: { passwordOk?: boolean; failingHook?: boolean } = {}) {
  const steps: string[] = [];
  const pubsub = createMemoryPubSub();
  const auth = {
    confirmPassword: async () => {
      steps.push('confirm');
      if (options.passwordOk === false) throw new Error('wrong password');
    },
  } as unknown as AuthService;
  const users = {
    delete: async (id: string) => {
      steps.push(`delete ${id}`);
      return true;
    },
  } as unknown as UserRepository;
  const privacy = createPrivacyService({
    auth,
    users,
    sessions: {
      revokeAllExcept: async (id: string, keep: string | null) => {
        steps.push(`revoke sessions ${id} except ${keep}`);
        return 1;
      },
    } as unknown as SessionService,
    audit: {} as AuditService,
    exports: {} as ExportRepository,
    brokerConnections: async () => [],
    rules: async () => [],
    beforeUserDelete: [
      async (id) => {
        steps.push(`revoke tokens ${id}`);
        if (options.failingHook) throw new Error('exchange down');
      },
    ],
    pubsub,
    logger: createLogger('silent'),
  });
  return { privacy, steps, pubsub };
}

describe('createPrivacyService.deleteAccount', () => {
  it('confirms the password, revokes broker tokens and sessions, deletes the rows, then announces the deletion', async () => {
    const { privacy, steps, pubsub } = setup();
    await pubsub.subscribe(USER_DELETED_CHANNEL, (m) => steps.push(`published ${m}`));
    await privacy.deleteAccount(caller, 'pw', client);
    expect(steps).toEqual([
      'confirm',
      `revoke tokens ${caller.userId}`,
      `revoke sessions ${caller.userId} except null`,
      `delete ${caller.userId}`,
      `published {"userId":"${caller.userId}"}`,
    ]);
  });

  it('deletes nothing when the password is wrong', async () => {
    const { privacy, steps } = setup({ passwordOk: false });
    await expect(privacy.deleteAccount(caller, 'bad', client)).rejects.toThrow('wrong password');
    expect(steps).toEqual(['confirm']);
  });

  it('still deletes the data when an exchange cannot be reached to revoke a token', async () => {
    const { privacy, steps } = setup({ failingHook: true });
    await privacy.deleteAccount(caller, 'pw', client);
    expect(steps).toContain(`delete ${caller.userId}`);
  });
});
