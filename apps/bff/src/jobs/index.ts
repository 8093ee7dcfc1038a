import type { Registry } from 'prom-client';
import type { Platform } from '../platform';
import type { Services } from '../modules/services';

/** Registers every job processor on the platform's queue; worker roles only. */
export function registerJobHandlers(platform: Platform, services: Services, _metrics: Registry): void {
  for (const definition of services.jobDefinitions) platform.jobs.register(definition);
}
