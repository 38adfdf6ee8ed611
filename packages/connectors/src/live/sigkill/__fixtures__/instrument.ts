/** The one instrument the venue process trades and the node subscribes to. */
import { defineInstrument } from '@rxtrade/core';

export const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
