export { createRulesService, type RulesService } from './rules.service';
export { rulesRoutes } from './rules.routes';
export { MIN_TRADES } from './personalisation';
