import {
  ServerMessageSchema,
  WS_COACH_PATH,
  WsCloseCode,
  isCoachEventMessage,
  reconnectAdvice,
  type AckFor,
  type ClientCommand,
  type ClientCommandType,
  type CoachEventMessage,
  type ErrorMessage,
  type Problem,
} from '@tt/shared';
import { reconnectDelay, type BackoffOptions } from './backoff';

/** The part of the browser's WebSocket this module uses (tests pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Whether the browser is online, and a way to hear when it comes back (tests pass a fake). */
export interface NetworkWatch {
  isOnline(): boolean;
  /** Calls back once the network is back; returns a function that stops listening. */
  onOnline(callback: () => void): () => void;
}

/**
 * `connecting`: the first attempt; `open`: live; `reconnecting`: lost, a retry is scheduled or
 * under way; `offline`: the browser has no network, retrying when it returns; `closed`: stopped
 * for good, by `close()` or because the session ended (`closeCode` 4001: sign in again).
 */
export type CoachSocketStatus = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

export interface CoachSocketStatusInfo {
  /** The close code that led here, when a socket closed. */
  closeCode?: number;
  /** With `reconnecting`: when the next attempt starts. */
  retryInMs?: number;
}

/** `reconnected`: a new socket after a lost one; `dropped`: the server dropped messages (`synced: false`). */
export type SyncLostReason = 'reconnected' | 'dropped';

/** A command as the app writes it: the socket adds the `requestId`. `type` comes first so `T` is inferred from it. */
export type CommandOf<T extends ClientCommandType> = { type: T } & Omit<
  Extract<ClientCommand, { type: T }>,
  'requestId'
>;

export interface CoachSocketOptions {
  /** The socket URL (default: `/ws/coach` on the page's own host, `wss:` under https). */
  url?: string;
  /** Where the first connection resumes from, e.g. the `lastEventId` of a socket this one replaces. */
  lastEventId?: number | null;
  /** Each coach event, once, in id order. */
  onEvent(event: CoachEventMessage): void;
  /** Live updates may have been missed: refetch what the screen shows over REST. */
  onSyncLost(reason: SyncLostReason): void;
  onStatus?(status: CoachSocketStatus, info: CoachSocketStatusInfo): void;
  backoff?: BackoffOptions;
  /** A socket open this long counts as stable: the backoff starts over after it (default 5 s). */
  stableAfterMs?: number;
  /** How long a command waits for its answer (default 30 s). */
  requestTimeoutMs?: number;
  createSocket?: (url: string) => WebSocketLike;
  network?: NetworkWatch;
  random?: () => number;
}

export interface CoachSocket {
  /** Sends a command and resolves with its `ack`; rejects with a `CoachCommandError`. */
  send<T extends ClientCommandType>(command: CommandOf<T>): Promise<AckFor<T>>;
  readonly status: CoachSocketStatus;
  /** The last coach event id seen; the resume point of the next connection. */
  readonly lastEventId: number | null;
  /** Stops for good: closes the socket, cancels retries, rejects pending commands. */
  close(): void;
}

/**
 * A refused or unanswered command. `problem` is the server's answer (`WS.RATE_LIMITED`,
 * `TRADES.NOT_FOUND`, ...) or a local one (`LIVE.NOT_CONNECTED`, `LIVE.DISCONNECTED`, `LIVE.TIMEOUT`):
 * after the last two the command may or may not have been carried out.
 */
export class CoachCommandError extends Error {
  constructor(
    readonly problem: Problem,
    readonly retryAfterMs?: number,
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'CoachCommandError';
  }
}

const localProblem = (code: string, title: string): Problem => ({
  type: 'about:blank',
  title,
  status: 0,
  code,
});

export function coachSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${WS_COACH_PATH}`;
}

const browserNetwork: NetworkWatch = {
  isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
  onOnline(callback) {
    window.addEventListener('online', callback, { once: true });
    return () => window.removeEventListener('online', callback);
  },
};

const OPEN = 1;

interface PendingCommand {
  resolve(ack: unknown): void;
  reject(error: CoachCommandError): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The web app's live coach connection: reconnects with jittered exponential backoff, resumes
 * from the last event seen (`?lastEventId=`), drops duplicates that at-least-once delivery may
 * bring, and tells the app when to refetch (a reconnect, or `synced: false`).
 */
export function createCoachSocket(options: CoachSocketOptions): CoachSocket {
  const url = options.url ?? coachSocketUrl(window.location);
  const createSocket =
    options.createSocket ?? ((target: string) => new WebSocket(target) as unknown as WebSocketLike);
  const network = options.network ?? browserNetwork;
  const random = options.random ?? Math.random;
  const stableAfterMs = options.stableAfterMs ?? 5000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;

  let status: CoachSocketStatus = 'connecting';
  let socket: WebSocketLike | null = null;
  let lastEventId: number | null = options.lastEventId ?? null;
  let attempt = 0;
  let everOpened = false;
  let openedAt = 0;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopWatchingNetwork: (() => void) | undefined;
  let sequence = 0;
  const pending = new Map<string, PendingCommand>();

  const setStatus = (next: CoachSocketStatus, info: CoachSocketStatusInfo = {}) => {
    status = next;
    options.onStatus?.(next, info);
  };

  const failPending = (problem: Problem) => {
    for (const [requestId, command] of pending) {
      clearTimeout(command.timer);
      pending.delete(requestId);
      command.reject(new CoachCommandError(problem));
    }
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.synced === false) options.onSyncLost('dropped');
    if (isCoachEventMessage(message)) {
      const id = Number(message.id);
      if (lastEventId !== null && id <= lastEventId) return;
      lastEventId = id;
      options.onEvent(message);
      return;
    }
    const command = message.requestId === null ? undefined : pending.get(message.requestId);
    if (!command) return;
    pending.delete(message.requestId!);
    clearTimeout(command.timer);
    if (message.type === 'ack') command.resolve(message);
    else command.reject(new CoachCommandError(message.problem, (message as ErrorMessage).retryAfterMs));
  };

  const scheduleReconnect = (closeCode: number) => {
    const advice = reconnectAdvice(closeCode);
    if (advice === 'stop') {
      stopped = true;
      // The session is gone: whoever signs in next starts from a fresh state.
      lastEventId = null;
      setStatus('closed', { closeCode });
      return;
    }
    if (!network.isOnline()) {
      setStatus('offline', { closeCode });
      stopWatchingNetwork = network.onOnline(() => {
        stopWatchingNetwork = undefined;
        if (!stopped) connect();
      });
      return;
    }
    const delay = reconnectDelay(advice, attempt, random, options.backoff);
    if (advice === 'backoff') attempt += 1;
    setStatus('reconnecting', { closeCode, retryInMs: delay });
    retryTimer = setTimeout(connect, delay);
  };

  function connect(): void {
    retryTimer = undefined;
    if (stopped) return;
    setStatus(everOpened ? 'reconnecting' : 'connecting');
    const target = lastEventId === null ? url : `${url}?lastEventId=${lastEventId}`;
    const current = createSocket(target);
    socket = current;
    current.onopen = () => {
      openedAt = Date.now();
      const reconnected = everOpened;
      everOpened = true;
      setStatus('open');
      if (reconnected) options.onSyncLost('reconnected');
    };
    current.onmessage = (event) => onMessage(event.data);
    current.onerror = () => undefined;
    current.onclose = (event) => {
      if (socket !== current) return;
      socket = null;
      failPending(localProblem('LIVE.DISCONNECTED', 'The connection closed before the answer came'));
      if (stopped) return;
      if (openedAt > 0 && Date.now() - openedAt >= stableAfterMs) attempt = 0;
      openedAt = 0;
      scheduleReconnect(event.code);
    };
  }

  connect();

  return {
    get status() {
      return status;
    },
    get lastEventId() {
      return lastEventId;
    },
    send<T extends ClientCommandType>(command: CommandOf<T>): Promise<AckFor<T>> {
      if (!socket || socket.readyState !== OPEN) {
        return Promise.reject(
          new CoachCommandError(localProblem('LIVE.NOT_CONNECTED', 'Live updates are not connected')),
        );
      }
      sequence += 1;
      const requestId = `r${sequence}-${Math.floor(random() * 1e9).toString(36)}`;
      const open = socket;
      return new Promise<AckFor<T>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(requestId);
          reject(new CoachCommandError(localProblem('LIVE.TIMEOUT', 'No answer came in time')));
        }, requestTimeoutMs);
        pending.set(requestId, { resolve: resolve as (ack: unknown) => void, reject, timer });
        open.send(JSON.stringify({ ...command, requestId }));
      });
    },
    close() {
      if (stopped && !socket) return;
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      stopWatchingNetwork?.();
      failPending(localProblem('LIVE.DISCONNECTED', 'Live updates were closed'));
      const current = socket;
      socket = null;
      current?.close(WsCloseCode.NORMAL, 'closed by the app');
      setStatus('closed');
    },
  };
}
