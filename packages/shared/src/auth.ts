import { z } from 'zod';
import { pageSchema } from './page';

/** NIST SP 800-63B bounds, counted in Unicode code points after NFKC normalisation. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** The form in which passwords are counted, hashed and compared: NFKC, so look-alike input matches. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length;
}

/** Trimmed and lower-cased before it is validated, stored or looked up. */
export const EmailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());

/** A new password: 12–128 characters, any characters. Common and breached ones are refused by the server. */
export const NewPasswordSchema = z
  .string()
  .max(PASSWORD_MAX_LENGTH * 4)
  .refine((p) => passwordLength(p) >= PASSWORD_MIN_LENGTH, {
    message: `Use at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  .refine((p) => passwordLength(p) <= PASSWORD_MAX_LENGTH, {
    message: `Use at most ${PASSWORD_MAX_LENGTH} characters`,
  });

/** A password offered to sign in or confirm: never checked against the policy, only bounded. */
export const PasswordInputSchema = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4);

export const SignupRequestSchema = z.object({ email: EmailSchema, password: NewPasswordSchema });
export type SignupRequest = z.infer<typeof SignupRequestSchema>;

export const LoginRequestSchema = z.object({ email: EmailSchema, password: PasswordInputSchema });
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const ChangePasswordRequestSchema = z.object({
  currentPassword: PasswordInputSchema,
  newPassword: NewPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const DeleteAccountRequestSchema = z.object({ password: PasswordInputSchema });
export type DeleteAccountRequest = z.infer<typeof DeleteAccountRequestSchema>;

/** True for an IANA zone name the runtime knows (`Europe/Paris`, `UTC`); offsets like `+01:00` are not zones. */
export function isIanaTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a zone (`us/eastern` → `America/New_York`). */
export function canonicalTimeZone(value: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
}

export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isIanaTimeZone, { message: 'Expected an IANA time zone such as Europe/Paris' })
  .transform(canonicalTimeZone);

export const CoachToneSchema = z.enum(['supportive', 'strict']);
export type CoachTone = z.infer<typeof CoachToneSchema>;

/** `PATCH /api/me/settings`: the zone sets day and week boundaries for digests and rules. */
export const UpdateSettingsRequestSchema = z
  .object({ timeZone: TimeZoneSchema.optional(), tone: CoachToneSchema.optional() })
  .refine((s) => s.timeZone !== undefined || s.tone !== undefined, {
    message: 'Send timeZone, tone or both',
  });
export type UpdateSettingsRequest = z.infer<typeof UpdateSettingsRequestSchema>;

/** `GET /api/auth/me`, and the body of signup, login and settings answers. */
export const MeSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  timeZone: z.string(),
  tone: CoachToneSchema,
  createdAt: z.iso.datetime(),
});
export type Me = z.infer<typeof MeSchema>;

export const CsrfTokenSchema = z.object({ token: z.string() });
export type CsrfToken = z.infer<typeof CsrfTokenSchema>;

/** One signed-in device as `GET /api/auth/sessions` lists it; `current` marks the caller's own. */
export const SessionDtoSchema = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  current: z.boolean(),
});
export type SessionDto = z.infer<typeof SessionDtoSchema>;
export const SessionPageSchema = pageSchema(SessionDtoSchema);

export const AuditActionSchema = z.enum([
  'signup',
  'login.success',
  'login.failure',
  'logout',
  'session.revoke',
  'password.change',
  'settings.change',
  'broker.connect',
  'broker.pause',
  'broker.resume',
  'broker.disconnect',
  'import.start',
  'export',
  'account.delete',
]);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** Coarse, flat metadata: never a secret, a token or a raw IP. */
export const AuditMetaSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type AuditMeta = z.infer<typeof AuditMetaSchema>;

export const AuditEntrySchema = z.object({
  id: z.uuid(),
  action: AuditActionSchema,
  meta: AuditMetaSchema,
  createdAt: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditPageSchema = pageSchema(AuditEntrySchema);

const ExportRowsSchema = z.array(z.record(z.string(), z.unknown()));

/** `GET /api/me/export`: everything held about the user. Credentials and hashes are never part of it. */
export const PrivacyExportSchema = z.object({
  exportedAt: z.iso.datetime(),
  user: MeSchema,
  sessions: z.array(SessionDtoSchema.omit({ current: true })),
  audit: z.array(AuditEntrySchema),
  brokerConnections: ExportRowsSchema,
  trades: ExportRowsSchema,
  tags: ExportRowsSchema,
  positions: ExportRowsSchema,
  reflections: ExportRowsSchema,
  notes: ExportRowsSchema,
  rules: ExportRowsSchema,
  digests: ExportRowsSchema,
  imports: ExportRowsSchema,
  simulations: ExportRowsSchema,
  coachEvents: ExportRowsSchema,
});
export type PrivacyExport = z.infer<typeof PrivacyExportSchema>;

/** Published on `auth.session-revoked` (logout, revocation, password change) so sockets of that session close. */
export const SessionRevokedEventSchema = z.object({ userId: z.uuid(), sessionId: z.uuid() });
export type SessionRevokedEvent = z.infer<typeof SessionRevokedEventSchema>;

/** Published on `auth.user-deleted` once an account and all its data are gone. */
export const UserDeletedEventSchema = z.object({ userId: z.uuid() });
export type UserDeletedEvent = z.infer<typeof UserDeletedEventSchema>;
