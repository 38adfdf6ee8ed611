import { describe, it } from 'vitest';
import { describeVenueConformance, simulatedVenueHarness } from '../index';

describeVenueConformance(simulatedVenueHarness(), { describe, it });
