export { realtimePlugin, type RealtimeHandle, type RealtimeOptions } from './realtime.plugin';
export { createClientEventsService, type ClientEventsService } from './client-events.service';
export { CHAT_REFLECTION } from './client-events.repository';
