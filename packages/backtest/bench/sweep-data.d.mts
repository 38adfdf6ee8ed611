/** See sweep-data.mjs. */
export function sweepData(which: string): { path: string; symbol: string; venue: string; size: number; instrument: string };
