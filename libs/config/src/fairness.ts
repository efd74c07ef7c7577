// The fairness settings of a deployment, read from the environment once and
// shared by settlement (the authority) and the gateways (courtesy check, what
// the page shows): FAIRNESS_POLICY for every match, FAIRNESS_POLICY_BY_MATCH
// (JSON: match id → policy) for overrides. Parsed by the domain's rules.
import { FAIRNESS_POLICY_NAMES, parseFairnessSettings, type FairnessSettings } from '@inplay/domain';
import { ConfigError } from './index';

export function loadFairnessSettings(env: Record<string, string | undefined> = process.env): FairnessSettings {
  const parsed = parseFairnessSettings(env['FAIRNESS_POLICY'], env['FAIRNESS_POLICY_BY_MATCH']);
  if (parsed.ok) return parsed.settings;
  throw new ConfigError([
    ...parsed.errors,
    `FAIRNESS_POLICY is one of ${FAIRNESS_POLICY_NAMES.join(', ')} (default event-time-void) or JSON such as {"policy":"delayed","delayMs":30000,"onEvent":"void"}`,
  ]);
}
