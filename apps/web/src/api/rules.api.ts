import { RuleDtoSchema, type RuleKind } from '@tt/shared';
import { z } from 'zod';
import { request } from './http';

const RuleListSchema = z.object({ items: z.array(RuleDtoSchema) });

export const rulesApi = {
  list: async () => (await request('/api/rules', { schema: RuleListSchema })).items,
  upsert: (body: { kind: RuleKind; params: Record<string, number>; active?: boolean }) =>
    request('/api/rules/upsert', { method: 'POST', json: body, schema: RuleDtoSchema, idempotent: true }),
};
