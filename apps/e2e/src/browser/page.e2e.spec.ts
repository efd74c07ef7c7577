// The fan's page in headless Chromium (Debian's, driven by playwright-core)
// against the whole product: log in, watch prices move during a replay, buy,
// see the fill, the portfolio and the leaderboard, be told in words why an
// unaffordable order is refused; then survive the loss of its gateway.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isolate, eventually, type IsolatedEnv } from '@inplay/testing';
import { wsContract } from '@inplay/testing/asyncapi-contract';
import { createUser } from '@inplay/settlement';
import { buildWeb, startStack, type Stack } from './stack';

const ARTEFACTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));
const LOGS = fileURLToPath(new URL('../../../../test-results/e2e-logs/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const USER = 'e2e-fan';

let env: IsolatedEnv;
let stack: Stack;
let browser: Browser;
let page: Page;

interface PageFacts { serverId: string; gapsDetected: number; gapsOpen: number; gapSnapshots: number; ticksApplied: number; reconnects: number; authentications: number; tokenRefreshes: number; seqs: Record<string, number> }
/** The page's WebSocket frames, each checked against docs/api/asyncapi.yaml: what it does not describe fails the test that saw it. */
const frames = { checked: 0, violations: [] as string[] };
const facts = (): Promise<PageFacts> => page.evaluate(() => (globalThis as unknown as { __inplay: { get(): PageFacts } }).__inplay.get());

beforeAll(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  mkdirSync(LOGS, { recursive: true });
  env = await isolate();
  await buildWeb(LOGS);
  const created = await createUser(env.databaseUrl, { userId: USER, displayName: 'E2E Fan', cashCents: 100_000 });
  expect(created.ok).toBe(true);
  stack = await startStack(env, LOGS, { gateways: 2, replaySpeed: 30, feed: 'later' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('websocket', (socket) => {
    const check = (direction: 'client' | 'server', payload: string | Buffer) => {
      frames.checked += 1;
      frames.violations.push(...wsContract().checkFrame(direction, payload));
    };
    socket.on('framesent', ({ payload }) => check('client', payload));
    socket.on('framereceived', ({ payload }) => check('server', payload));
  });
}, 240_000);

afterEach(() => {
  const violations = frames.violations.splice(0);
  if (violations.length > 0) throw new Error(`the page's WebSocket frames docs/api/asyncapi.yaml does not describe:\n${violations.slice(0, 10).join('\n')}`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await env?.cleanup();
}, 60_000);

async function priceTexts(): Promise<string[]> {
  return page.locator('#players tbody td.price').allInnerTexts();
}

describe('the fan page', () => {
  it('says in words that no match is live, then shows the match and its players when it kicks off', async () => {
    await page.goto(stack.url);
    await page.fill('#login-user', USER);
    await page.click('#login-form button[type=submit]');
    await expect.poll(async () => page.locator('#match').innerText(), { timeout: 20_000 }).toContain('No match is live right now');
    expect(await page.locator('#players tbody').innerText()).toContain('No match is live right now');
    await page.screenshot({ path: join(ARTEFACTS, 'no-match.png') });

    await stack.startFeed();
    await expect.poll(async () => page.locator('#match').innerText(), { timeout: 30_000 }).toMatch(/^Barcelona\s*\d – \d\s*Girona/);
    await expect.poll(async () => page.locator('#players tbody tr[data-player]').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(36);
    expect(await page.locator('#players tbody').innerText()).not.toContain('No match is live');
  }, 120_000);

  it('shows moving prices, fills a buy, updates portfolio and leaderboard, and explains a refusal', async () => {
    await page.waitForSelector('#players tbody tr[data-player]', { timeout: 30_000 });
    await expect.poll(async () => page.locator('#connection').innerText(), { timeout: 20_000 }).toBe('live');

    const before = await priceTexts();
    await eventually('a price to move on the page', async () => (await priceTexts()).some((t, i) => t !== before[i]), 60_000, 250);
    expect(await page.locator('#players tbody td.price.up, #players tbody td.price.down').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTEFACTS, 'prices-moving.png') });

    // A player nobody has locked right now (an event locks a player for a minute).
    const unlocked = page.locator('#players tbody tr').filter({ hasNot: page.locator('.lock:text-matches("locked")') }).first();
    const playerName = (await unlocked.locator('td').first().locator('span').first().innerText()).trim();
    await unlocked.click();
    await page.fill('#order-qty', '2');
    await page.click('#buy');
    await expect.poll(async () => page.locator('#order-feedback').innerText(), { timeout: 30_000 }).toMatch(new RegExp(`Buy 2 × ${playerName}: filled at €\\d+\\.\\d\\d`));
    await expect.poll(async () => page.locator('#portfolio').innerText(), { timeout: 20_000 }).toContain(`${playerName}: 2 @`);
    await expect.poll(async () => page.locator('#leaderboard').innerText(), { timeout: 20_000 }).toContain(USER);
    await page.screenshot({ path: join(ARTEFACTS, 'filled.png') });

    await page.fill('#order-qty', '1000');
    await page.click('#buy');
    await expect.poll(async () => page.locator('#order-feedback li').first().innerText(), { timeout: 30_000 })
      .toMatch(/Buy 1000 × .*: (Not enough cash for this order|Trading on this player is locked for \d+ s)/);
    await page.screenshot({ path: join(ARTEFACTS, 'refused.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTEFACTS, 'phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 180_000);

  it('refreshes its token on the open socket: no reconnect, authenticated again, prices still flowing, the new token good for HTTP', async () => {
    const before = await facts();
    expect(before.authentications).toBeGreaterThanOrEqual(1);
    const oldToken = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('inplay.token'));
    await page.evaluate(() => (globalThis as unknown as { __inplay: { refreshToken(): Promise<void> } }).__inplay.refreshToken());
    await expect.poll(async () => (await facts()).authentications, { timeout: 10_000 }).toBe(before.authentications + 1);
    const after = await facts();
    expect(after).toMatchObject({ tokenRefreshes: before.tokenRefreshes + 1, reconnects: before.reconnects, serverId: before.serverId });
    await eventually('ticks after the refresh', async () => (await facts()).ticksApplied > after.ticksApplied, 30_000, 250);
    const newToken = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('inplay.token'));
    expect(newToken).not.toBe(oldToken);
    expect((await fetch(`${stack.url}/portfolio`, { headers: { authorization: `Bearer ${newToken}` } })).status).toBe(200);
  }, 60_000);

  it('reconnects to the other gateway when its own dies, and keeps prices gap-free', async () => {
    const start = await facts();
    const mine = stack.gateways.find((g) => g.serverId === start.serverId);
    expect(mine, `the page says it is on ${start.serverId}`).toBeDefined();
    await mine?.process.stop(5_000);
    const after = await eventually('the page to reconnect to the surviving gateway', async () => {
      const f = await facts();
      return f.reconnects > start.reconnects && f.serverId !== start.serverId ? f : undefined;
    }, 30_000, 250);
    await expect.poll(async () => page.locator('#connection').innerText(), { timeout: 10_000 }).toBe('live');
    // Prices keep arriving after the switch, and every player's seq only moved forward.
    await eventually('ticks after the reconnect', async () => (await facts()).ticksApplied > after.ticksApplied + 20, 60_000, 250);
    const end = await facts();
    for (const [player, seq] of Object.entries(start.seqs)) expect(end.seqs[player], player).toBeGreaterThanOrEqual(seq);
    // The page's own counters: every gap it noticed around the switch was repaired from the other gateway's replay
    // buffer (none left open), and none needed a snapshot (which would mean lost ticks).
    const repaired = await eventually('every gap the page noticed to be repaired', async () => { const f = await facts(); return f.gapsOpen === 0 ? f : undefined; }, 20_000, 250);
    expect(repaired.gapSnapshots).toBe(0);
    await page.screenshot({ path: join(ARTEFACTS, 'after-failover.png') });
  }, 120_000);

  it("checked the page's WebSocket frames against docs/api/asyncapi.yaml (hundreds of them, every one documented)", () => {
    expect(frames.checked).toBeGreaterThan(100);
  });
});
