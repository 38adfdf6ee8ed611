/** The venue-neutral fake-exchange core that the per-venue fakes (fake-binance, ...) build on. */
export { FakeVenue, VenueRejectError, clean } from './venue';
export type { ExecType, FakeVenueConfig, VenueEvents } from './venue';
export { Faults } from './faults';
export type { HttpFault } from './faults';
export { FakeServer, FakeSocket } from './server';
export type { FakeServerConfig, HttpReply, HttpRequest } from './server';
export { waitFor } from './wait-for';
export type * from './types';
