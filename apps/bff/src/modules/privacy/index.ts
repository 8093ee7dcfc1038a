export {
  createPrivacyService,
  USER_DELETED_CHANNEL,
  type BeforeUserDelete,
  type PrivacyService,
} from './privacy.service';
export { createExportRepository, type ExportRepository } from './privacy.repository';
export { privacyRoutes } from './privacy.routes';
