import { defineErrors } from '@tt/shared';

export const RuleErrors = defineErrors('RULES', {
  NOT_PERSONALISABLE: [422, 'This rule is yours to set; it is not personalised'],
  NOT_ENOUGH_TRADES: [422, 'Not enough trades to personalise yet'],
});
