import { AuditPageSchema, MeSchema, SessionPageSchema, type CoachTone } from '@tt/shared';
import { request } from './http';

export interface Credentials {
  email: string;
  password: string;
}

export const authApi = {
  me: () => request('/api/auth/me', { schema: MeSchema }),
  signup: (body: Credentials) =>
    request('/api/auth/signup', { method: 'POST', json: body, schema: MeSchema, idempotent: true }),
  login: (body: Credentials) => request('/api/auth/login', { method: 'POST', json: body, schema: MeSchema }),
  logout: () => request('/api/auth/logout', { method: 'POST' }),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    request('/api/auth/password', { method: 'POST', json: body }),
  sessions: () => request('/api/auth/sessions', { schema: SessionPageSchema }),
  revokeSession: (id: string) =>
    request(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  updateSettings: (body: { timeZone?: string; tone?: CoachTone }) =>
    request('/api/me/settings', { method: 'PATCH', json: body, schema: MeSchema }),
  exportData: () => request('/api/me/export'),
  deleteAccount: (password: string) => request('/api/me', { method: 'DELETE', json: { password } }),
  audit: () => request('/api/audit', { query: { limit: 20 }, schema: AuditPageSchema }),
};
