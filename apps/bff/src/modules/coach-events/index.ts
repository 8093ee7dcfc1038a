export { createCoachEventsService, userChannel, type CoachEventsService } from './coach-events.service';
