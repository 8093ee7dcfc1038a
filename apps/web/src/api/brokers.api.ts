import {
  BrokerConnectionDtoSchema,
  ImportAcceptedSchema,
  OAuthConnectStartResponseSchema,
  pageSchema,
  type BrokerId,
} from '@tt/shared';
import { z } from 'zod';
import { request } from './http';

const BrokerListSchema = z.union([pageSchema(BrokerConnectionDtoSchema), z.array(BrokerConnectionDtoSchema)]);

/** What a CSV upload answers: the import it started, when it started one. */
const CsvUploadSchema = ImportAcceptedSchema.partial().passthrough();

export const brokersApi = {
  list: async () => {
    const body = await request('/api/brokers', { schema: BrokerListSchema });
    return Array.isArray(body) ? body : body.items;
  },
  startCoinbase: () =>
    request('/api/brokers/coinbase/connect/start', {
      method: 'POST',
      json: {},
      schema: OAuthConnectStartResponseSchema,
    }),
  connectBinance: (body: { apiKey: string; apiSecret: string }) =>
    request('/api/brokers/binance/connect/start', {
      method: 'POST',
      json: body,
      schema: BrokerConnectionDtoSchema,
    }),
  pause: (broker: BrokerId) => request(`/api/brokers/${broker}/pause`, { method: 'POST', json: {} }),
  resume: (broker: BrokerId) => request(`/api/brokers/${broker}/resume`, { method: 'POST', json: {} }),
  disconnect: (broker: BrokerId) => request(`/api/brokers/${broker}`, { method: 'DELETE' }),
  uploadCsv: (broker: BrokerId, file: File) => {
    const form = new FormData();
    form.set('broker', broker);
    form.set('file', file);
    return request('/api/imports/csv', { method: 'POST', form, schema: CsvUploadSchema, idempotent: true });
  },
};
