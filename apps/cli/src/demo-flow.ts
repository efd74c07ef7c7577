// `inplay up` says "up" only when the demo match really flows: the gateway
// has seen the replayed match's events and holds prices pricing computed
// after the first of them (prices kept from an earlier run do not count).
// Until then it watches the services, so a replay that fails or a service
// that dies is named at once instead of after a silent timeout.
import type { ManagedProcess } from '@inplay/infra';
import { failureReport, probeHealth } from './supervisor';

/** The replay puts its first event on the feed after the feed lag (20 s + up to 5 s jitter by default): room for that and a slow box. */
export const DEMO_FIRST_PRICES_TIMEOUT_MS = 120_000;
export const DEMO_POLL_INTERVAL_MS = 500;

export interface DemoFlowOptions {
  gatewayUrl: string;
  /** Epoch ms the demo replay was started at: events and prices from before it are an earlier run's. */
  sinceMs: number;
  services: readonly { info: { name: string; healthUrl?: string }; process: ManagedProcess }[];
  timeoutMs?: number;
}

export type DemoFlow = { ok: true; ms: number } | { ok: false; problem: string };

export async function waitForDemoPrices(o: DemoFlowOptions): Promise<DemoFlow> {
  const started = Date.now();
  const deadline = started + (o.timeoutMs ?? DEMO_FIRST_PRICES_TIMEOUT_MS);
  const feed = o.services.find((s) => s.info.name === 'feed-ingest');
  for (;;) {
    const dead = o.services.find((s) => !s.process.running);
    if (dead) return { ok: false, problem: failureReport(dead.info.name, `exited (${dead.process.exitDescription ?? 'exited'})`, dead.process) };
    if (feed?.info.healthUrl) {
      const health = await probeHealth(feed.info.healthUrl);
      if (health.state === 'failed') return { ok: false, problem: failureReport('feed-ingest', `reports a failure: ${health.reason}`, feed.process) };
    }
    if (await demoReachedGateway(o.gatewayUrl, o.sinceMs)) return { ok: true, ms: Date.now() - started };
    if (Date.now() > deadline) {
      const pricing = o.services.find((s) => s.info.name === 'pricing');
      const culprit = pricing ?? feed;
      const detail = culprit ? failureReport(culprit.info.name, 'may be the stage that is stuck', culprit.process) : '';
      return { ok: false, problem: `no price reached the gateway within ${Math.round((o.timeoutMs ?? DEMO_FIRST_PRICES_TIMEOUT_MS) / 1000)} s.${detail}` };
    }
    await new Promise((r) => setTimeout(r, DEMO_POLL_INTERVAL_MS));
  }
}

/** True once the gateway saw an event ingested since `sinceMs` and holds a price ticked after it. */
export async function demoReachedGateway(gatewayUrl: string, sinceMs: number): Promise<boolean> {
  try {
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${gatewayUrl}${path}`, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      return (await res.json()) as T;
    };
    const { matches } = await get<{ matches: { recent: { ingestedAt: number }[] }[] }>('/matches');
    const firstEventAt = Math.min(...matches.flatMap((m) => m.recent.map((e) => e.ingestedAt)).filter((t) => t >= sinceMs));
    if (!Number.isFinite(firstEventAt)) return false;
    const { prices } = await get<{ prices: { updatedAt: number }[] }>('/prices');
    return prices.some((p) => p.updatedAt >= firstEventAt);
  } catch {
    return false;
  }
}
