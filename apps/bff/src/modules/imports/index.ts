export { createImportsService, importJobId, ImportErrors, type ImportsService } from './imports.service';
export { importTradesJob, ImportJobPayloadSchema, type ImportJobPayload } from './import-trades.job';
export { importsRoutes } from './imports.routes';
export { createImportRunTracker, type ImportRunTracker } from './import-run-tracker';
