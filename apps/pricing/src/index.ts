// Public surface of pricing: start both stages in-process (the CLI, tests and
export { startPricing, type PricingHandle, type StartPricingOptions } from './pricing';
export { startProcessor, type ProcessorOptions, type Stage } from './processor';
export { startSequencer, RosterMissingError, ROSTER_CACHE_LIMIT, type SequencerOptions } from './sequencer';
export { loadPricingSettings, pricingConfigFrom, PricingConfigError, DEFAULT_METRICS_PORT, type PricingSettings } from './settings';
export { DEFAULT_CONSUMER_TUNING, type ConsumerTuning } from './tuning';
export { DEFAULT_DELIVERY, PRICING_DELIVERIES, type DeliveryTuning, type PricingDelivery } from './delivery';
export { postgresRosterStore } from './roster-store';
