export { createRulesService, type RulesService } from './rules.service';
export { rulesRoutes } from './rules.routes';
export { personaliseRulesJob, withPersonalisation, type PersonaliseJobPayload } from './personalise.job';
export { MIN_TRADES } from './personalisation';
