import { z } from 'zod';
import {
  CoachEventEnvelopeSchema,
  CoachReflectSchema,
  DigestReadySchema,
  ImportProgressSchema,
  COACH_EVENT_TYPES,
  type CoachEventType,
} from './coach';
import { ReflectRequestSchema } from './ml';
import { ProblemSchema, defineErrors } from './problem';
import { NoteDtoSchema, ReflectionDtoSchema } from './trades';

/**
 * The live coach socket (DESIGN.md §5 "WebSocket /ws/coach").
 *
 * Handshake: `GET /ws/coach[?lastEventId=N]` with the session cookie and `Origin` equal to the
 * public origin; without a live session the answer is 401 problem+json, from a foreign origin 403,
 * both before any upgrade.
 *
 * Server → client: every message is `{ id, type, ts, ...fields }`, optionally with `synced: false`.
 * Stored coach events (`coach.reflect`, `import.progress`, `digest.ready`) carry their per-user id as
 * a decimal string, increasing, and `ts` = when the event was stored; those ids are the resume
 * points (at-least-once: a client drops ids it has seen). Replies (`ack`, `error`) carry an id that
 * is never all digits, so it cannot be mistaken for one. The server pings every 30 s and cuts a
 * peer that does not answer; a socket lives at most 24 h (then 4002, reconnect).
 *
 * Client → server: `resume`, `chat.ask_reflection`, `chat.feedback`, `note.add` (schemas below);
 * each command carries a `requestId` chosen by the client and is answered by an `ack` or an
 * `error` with the same `requestId`.
 */
export const WS_COACH_PATH = '/ws/coach';

/** Limits of the coach socket; the server enforces them, the client may use them to validate early. */
export const WS_LIMITS = {
  /** Largest client message in bytes; a bigger frame closes the socket with 1009. */
  maxPayloadBytes: 16 * 1024,
  /** Longest journal note, in UTF-16 code units. */
  noteMaxLength: 2000,
  /** Messages a socket may have waiting; past this the oldest are dropped and `synced: false` follows. */
  queueCapacity: 100,
  /** Open sockets per user across every server process. */
  socketsPerUser: 5,
  /** Client messages per user per minute. */
  messagesPerMinute: 20,
} as const;

/**
 * Close codes the server uses. 1000–1015 are the standard ones (RFC 6455 §7.4); 4000–4999 are ours.
 * What a client should do on each: see `reconnectAdvice`.
 */
export const WsCloseCode = {
  NORMAL: 1000,
  /** Policy violation: the client flooded the socket after being rate-limited. */
  POLICY_VIOLATION: 1008,
  /** A frame above `WS_LIMITS.maxPayloadBytes`. */
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** The server process is shutting down; another one will take the reconnect. */
  SERVICE_RESTART: 1012,
  /** Logout, session revocation or account deletion: do not reconnect, sign in again. */
  SESSION_ENDED: 4001,
  /** The socket reached its 24 h lifetime: reconnect now, which re-validates the session cookie. */
  REAUTHENTICATE: 4002,
  /** The user already has `WS_LIMITS.socketsPerUser` open sockets. */
  TOO_MANY_CONNECTIONS: 4429,
} as const;
export type WsCloseCodeValue = (typeof WsCloseCode)[keyof typeof WsCloseCode];

/** `now`: reconnect at once; `backoff`: after the jittered backoff; `later`: after the longest backoff; `stop`: never. */
export type ReconnectAdvice = 'now' | 'backoff' | 'later' | 'stop';

export function reconnectAdvice(code: number): ReconnectAdvice {
  switch (code) {
    case WsCloseCode.SESSION_ENDED:
      return 'stop';
    case WsCloseCode.REAUTHENTICATE:
    case WsCloseCode.SERVICE_RESTART:
      return 'now';
    case WsCloseCode.TOO_MANY_CONNECTIONS:
    case WsCloseCode.POLICY_VIOLATION:
      return 'later';
    default:
      return 'backoff';
  }
}

/**
 * Codes of the handshake's problem+json answers and of `error` replies (`problem.code`). A refused
 * handshake may also be `HTTP.UNAUTHENTICATED` (401) or `HTTP.VALIDATION` (a bad `lastEventId`);
 * commands may also answer `TRADES.NOT_FOUND`.
 */
export const WsErrors = defineErrors('WS', {
  FOREIGN_ORIGIN: [403, 'WebSocket connections are only accepted from our own pages'],
  UPGRADE_REQUIRED: [426, 'Connect with a WebSocket'],
  BAD_MESSAGE: [400, 'The message is not a JSON object of a known type'],
  INVALID_MESSAGE: [400, 'The message is not valid'],
  RATE_LIMITED: [429, 'Too many messages'],
  TRADE_NOT_SCORED: [409, 'This trade has not been tagged yet'],
  REFLECTION_NOT_FOUND: [404, 'Reflection not found'],
});

/** A client-chosen correlation id, echoed in the reply. */
export const RequestIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'Use letters, digits and . _ : -');

/** An event id: a non-negative integer, sent as a number or as the decimal string the server uses. */
export const EventIdSchema = z.union([
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  z
    .string()
    .regex(/^\d{1,15}$/, 'Expected a decimal event id')
    .transform(Number),
]);

/** Journal text: stored exactly as given (never trimmed, never rendered as HTML by us). */
export const NoteTextSchema = z
  .string()
  .max(WS_LIMITS.noteMaxLength)
  .refine((text) => text.trim().length > 0, { message: 'Write something' })
  // PostgreSQL text cannot hold NUL.
  .refine((text) => !text.includes('\u0000'), { message: 'The text contains a NUL character' });

/** Sends every stored event after `lastEventId`, then live ones (same as `?lastEventId=` on connect). */
export const ResumeMessageSchema = z.object({ type: z.literal('resume'), lastEventId: EventIdSchema });

/** A new coaching reflection on one of the user's own trades, in the asked tone. */
export const AskReflectionMessageSchema = z.object({
  type: z.literal('chat.ask_reflection'),
  requestId: RequestIdSchema,
  tradeId: z.uuid(),
  tone: ReflectRequestSchema.shape.tone,
});

/** Thumbs up or down on one of the user's own reflections; the last vote counts. */
export const ReflectionFeedbackMessageSchema = z.object({
  type: z.literal('chat.feedback'),
  requestId: RequestIdSchema,
  reflectionId: z.uuid(),
  value: z.enum(['up', 'down']),
});

/** A journal note on one of the user's own trades. */
export const NoteAddMessageSchema = z.object({
  type: z.literal('note.add'),
  requestId: RequestIdSchema,
  tradeId: z.uuid(),
  text: NoteTextSchema,
});

export const ClientMessageSchema = z.discriminatedUnion('type', [
  ResumeMessageSchema,
  AskReflectionMessageSchema,
  ReflectionFeedbackMessageSchema,
  NoteAddMessageSchema,
]);
/** A client message as the server handles it (ids parsed to numbers). */
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
/** A client message as a client writes it. */
export type ClientMessageInput = z.input<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES = ['resume', 'chat.ask_reflection', 'chat.feedback', 'note.add'] as const;

/** The commands that are answered with an `ack` (all but `resume`). */
export type ClientCommand = Exclude<ClientMessageInput, { type: 'resume' }>;
export type ClientCommandType = ClientCommand['type'];

const replyFields = {
  id: z.string(),
  ts: z.string(),
  synced: z.boolean().optional(),
};

export const ChatReflectionSchema = ReflectionDtoSchema.extend({ tradeId: z.string() });
export type ChatReflection = z.infer<typeof ChatReflectionSchema>;
export const JournalNoteSchema = NoteDtoSchema.extend({ tradeId: z.string() });
export type JournalNote = z.infer<typeof JournalNoteSchema>;

export const AckMessageSchema = z.discriminatedUnion('for', [
  z.object({
    ...replyFields,
    type: z.literal('ack'),
    for: z.literal('chat.ask_reflection'),
    requestId: RequestIdSchema,
    reflection: ChatReflectionSchema,
  }),
  z.object({
    ...replyFields,
    type: z.literal('ack'),
    for: z.literal('chat.feedback'),
    requestId: RequestIdSchema,
    reflectionId: z.string(),
    value: z.enum(['up', 'down']),
  }),
  z.object({
    ...replyFields,
    type: z.literal('ack'),
    for: z.literal('note.add'),
    requestId: RequestIdSchema,
    note: JournalNoteSchema,
  }),
]);
export type AckMessage = z.infer<typeof AckMessageSchema>;
export type AckFor<T extends ClientCommandType> = Extract<AckMessage, { for: T }>;

/** A refused message: never fatal; `requestId` and `for` are echoed when the message had them. */
export const ErrorMessageSchema = z.object({
  ...replyFields,
  type: z.literal('error'),
  requestId: z.string().nullable(),
  for: z.string().nullable(),
  problem: ProblemSchema,
  /** With `WS.RATE_LIMITED`: when the next message will be accepted. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;

const eventMessage = <T extends CoachEventType, S extends z.ZodRawShape>(type: T, payload: z.ZodObject<S>) =>
  payload.extend(CoachEventEnvelopeSchema.shape).extend({ type: z.literal(type) });

export const CoachEventMessageSchema = z.discriminatedUnion('type', [
  eventMessage('coach.reflect', CoachReflectSchema),
  eventMessage('import.progress', ImportProgressSchema),
  eventMessage('digest.ready', DigestReadySchema),
]);
export type CoachEventMessage = z.infer<typeof CoachEventMessageSchema>;

export const ServerMessageSchema = z.discriminatedUnion('type', [
  ...CoachEventMessageSchema.options,
  AckMessageSchema,
  ErrorMessageSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

export function isCoachEventMessage(message: ServerMessage): message is CoachEventMessage {
  return (COACH_EVENT_TYPES as readonly string[]).includes(message.type);
}
