import { DEFAULT_RULE_PARAMS, RULE_KINDS, RuleParamsSchemas } from '@tt/shared';
import { describe, expect, it } from 'vitest';
import { RULE_FORMS, defaultParams, describeProvenance, inputsToParams, paramToInput } from './rule-forms';

describe('rule forms', () => {
  it('cover every parameter of every rule kind', () => {
    for (const kind of RULE_KINDS) {
      expect(RULE_FORMS[kind].fields.map((f) => f.key).sort()).toEqual(
        Object.keys(DEFAULT_RULE_PARAMS[kind]).sort(),
      );
    }
  });

  it('show fractions as percents and send them back as fractions the server accepts', () => {
    for (const kind of RULE_KINDS) {
      const form = RULE_FORMS[kind];
      const inputs = Object.fromEntries(
        form.fields.map((f) => [f.key, paramToInput(f, defaultParams(kind)[f.key])]),
      );
      const { params, errors } = inputsToParams(form, inputs);
      expect(errors).toEqual({});
      expect(params).toEqual(DEFAULT_RULE_PARAMS[kind]);
      expect(RuleParamsSchemas[kind].safeParse(params).success).toBe(true);
    }
    expect(paramToInput(RULE_FORMS.fomo.fields[0]!, 0.08)).toBe('8');
  });

  it('names fields that are not numbers', () => {
    expect(inputsToParams(RULE_FORMS.maxTradesPerDay, { count: '2.5' }).errors).toEqual({
      count: 'Enter a whole number.',
    });
    expect(inputsToParams(RULE_FORMS.stopLossPct, { pct: 'five' }).errors).toEqual({
      pct: 'Enter a number.',
    });
  });

  it('reads personalisation provenance as lines', () => {
    expect(describeProvenance(null)).toEqual([]);
    expect(describeProvenance({ pct24h: { prior: 0.08, posterior: 0.0912345, trades: 42 } })).toEqual([
      'pct24h: prior 0.08, posterior 0.09123, trades 42',
    ]);
  });
});
