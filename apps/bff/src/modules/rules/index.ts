export { createRulesService, type RulesService } from './rules.service';
export { rulesRoutes } from './rules.routes';
