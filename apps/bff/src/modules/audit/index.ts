export { createAuditService, type AuditService, type AuditRequest } from './audit.service';
export { createAuditRepository } from './audit.repository';
export { auditRoutes } from './audit.routes';
export { sanitizeAuditMeta } from './audit.meta';
