// The fan's page: log in, watch live prices and the match, buy and sell,
// follow the portfolio and the leaderboard. Talks only to the gateway that
// served it (same origin): HTTP for orders and projections, one WebSocket for
// everything live.
import { call, currentToken, earlyAnswer, newIdempotencyKey, setToken } from './api';
import { LiveSocket, STALE_AFTER_MS, type ServerMessage } from './socket';
import { PriceBook } from './prices';
import { REFRESH_RETRY_MS, refreshDelayMs, tokenExpiresAt } from './session';
import { renderPlayers, renderMatch, renderTickerItem, renderPortfolio, renderLeaderboard, renderOrderFeedback, renderMyOrders, type MyOrder, type MarketPlayer, type MatchView, type Portfolio, type Board, type OrderView } from './ui/render';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const book = new PriceBook();
const players = new Map<string, MarketPlayer>();
const orders = new Map<string, OrderView>();
const match: MatchView = { home: '', away: '', homeScore: 0, awayScore: 0, clock: '', period: 0, matchId: null };
/** The user's orders as GET /orders lists them (newest first), and the cursor of the older ones not loaded yet. */
let myOrders: MyOrder[] = [];
let olderOrders: string | null = null;
let selected: string | null = null;
let me: string | null = null;

/** Read-only facts for tests and curious fans (window.__inplay): which gateway, gaps seen and repaired. */
const debug = { serverId: '', gapsDetected: 0, gapSnapshots: 0, ticksApplied: 0, reconnects: 0, authentications: 0, tokenRefreshes: 0 };
/** Players with a gap noticed and not repaired yet (by the resume's replay or a snapshot). */
const gapsOpen = new Set<string>();
(window as unknown as { __inplay: unknown }).__inplay = {
  get: () => ({ ...debug, gapsOpen: gapsOpen.size, seqs: Object.fromEntries(book.lastSeqs()) }),
  /** Refreshes the token now instead of when it is due (tests). */
  refreshToken: () => refreshToken(),
};

const socket = new LiveSocket({
  // Never a token in the URL (URLs are logged): the first message says who we are.
  url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
  onOpen: (send) => {
    const token = currentToken();
    if (token) send({ op: 'auth', token });
    // After a reconnect (to any gateway), resume every player held from its last seq (resume subscribes it too):
    // subscribing a held player as well would bring a snapshot and live ticks ahead of the replay, which the page
    // would count as gaps. Only players the page holds no seq of are subscribed.
    const seqs = book.lastSeqs();
    const held = [...seqs].map(([player, fromSeq]) => ({ player, fromSeq }));
    if (held.length) send({ op: 'resume', players: held });
    const fresh = [...players.keys()].filter((id) => !seqs.has(id));
    if (fresh.length) send({ op: 'subscribe', players: fresh });
  },
  onMessage,
  onState: (state, detail) => {
    const el = $('connection');
    el.className = `connection ${state}`;
    el.textContent = state === 'live' ? 'live' : state === 'offline' ? `offline — reconnecting${detail ? ` (${detail})` : ''}` : 'connecting…';
  },
});

function onMessage(m: ServerMessage): void {
  const now = Date.now();
  const status = $('connection');
  if (status.classList.contains('behind')) { status.className = 'connection live'; status.textContent = 'live'; }
  switch (m.type) {
    case 'hello':
      if (debug.serverId) debug.reconnects += 1;
      debug.serverId = String(m['serverId']);
      break;
    case 'snapshot':
      if (m['gap']) debug.gapSnapshots += 1;
      gapsOpen.delete(String(m['player']));
      book.snapshot(String(m['player']), Number(m['price']), Number(m['seq']), (m['lockedUntil'] as number | null) ?? null, now);
      schedulePlayers();
      break;
    case 'tick': {
      const outcome = book.tick(String(m['player']), Number(m['price']), Number(m['seq']), (m['lockedUntil'] as number | null) ?? null, now, Number(m['prevSeq'] ?? Number(m['seq']) - 1));
      if (outcome === 'applied') { debug.ticksApplied += 1; gapsOpen.delete(String(m['player'])); }
      if (outcome === 'gap') { debug.gapsDetected += 1; gapsOpen.add(String(m['player'])); }
      if (outcome === 'gap') socket.send({ op: 'resume', player: m['player'], fromSeq: book.get(String(m['player']))?.seq ?? 0 });
      schedulePlayers();
      break;
    }
    case 'match.event': onMatchEvent(m); break;
    case 'order.result': onOrderResult(m); break;
    case 'leaderboard': void refreshLeaderboard(); break;
    case 'authenticated': debug.authentications += 1; break;
    case 'error':
      console.warn('gateway error', m);
      // 300-399: the token was refused and the gateway closes the socket: log in again (the socket reconnects anonymously).
      if (Number(m['code']) >= 300 && Number(m['code']) < 400) loggedOut(String(m['message'] ?? 'please log in again'));
      break;
    default: break;
  }
}

function onMatchEvent(m: ServerMessage): void {
  if (m['matchId'] && m['matchId'] !== match.matchId) {
    // The header follows a match that kicks off (or any, when ours is over); other matches' events stay off it.
    const kickOff = m['eventType'] === 'KICK_OFF' && Number(m['period']) === 1;
    if (!kickOff && match.matchId && !match.finished) return;
    Object.assign(match, { matchId: String(m['matchId']), home: '', away: '', finished: false });
    $('ticker').replaceChildren();
    void loadMatchAndPlayers(String(m['matchId']));
  }
  match.finished = Boolean(match.finished) || m['eventType'] === 'FULL_TIME';
  match.homeScore = Number(m['homeScore'] ?? match.homeScore);
  match.awayScore = Number(m['awayScore'] ?? match.awayScore);
  match.period = Number(m['period'] ?? match.period);
  match.clockMs = Number(m['matchClockMs'] ?? 0);
  renderMatch($('match'), match);
  const item = renderTickerItem(m, players);
  $('ticker').prepend(item);
  while ($('ticker').children.length > 100) $('ticker').lastElementChild?.remove();
}

function onOrderResult(m: ServerMessage): void {
  const orderId = String(m['orderId']);
  const view = orders.get(orderId) ?? { orderId, playerId: String(m['playerId']), side: String(m['side']), quantity: Number(m['quantity']), status: 'pending' };
  view.status = m['status'] === 'FILLED' ? 'filled' : 'rejected';
  view.fillPriceCents = (m['fillPriceCents'] as number | null) ?? undefined;
  view.reason = (m['reason'] as string | null) ?? undefined;
  view.retryAfterMs = (m['retryAfterMs'] as number | null) ?? undefined;
  orders.set(orderId, view);
  renderOrderFeedback($('order-feedback'), [...orders.values()], players);
  void refreshPortfolio();
  scheduleMyOrders();
}

/** Orders per page of "My orders". */
const MY_ORDERS_PAGE = 20;
/** Results that arrive together (a batch settled at once) refresh "My orders" once. */
const MY_ORDERS_REFRESH_MS = 150;
let myOrdersTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleMyOrders(): void {
  if (myOrdersTimer) return;
  myOrdersTimer = setTimeout(() => { myOrdersTimer = undefined; void refreshMyOrders(); }, MY_ORDERS_REFRESH_MS);
}

function showMyOrders(): void {
  renderMyOrders($('my-orders'), $('my-orders-empty'), $('my-orders-more') as HTMLButtonElement, myOrders, players, olderOrders !== null);
}

/** The newest page, merged over what is held: newer results replace older views of the same order; older pages already loaded stay. */
async function refreshMyOrders(): Promise<void> {
  const res = await call<{ orders: MyOrder[]; nextCursor: string | null }>('GET', `/orders?limit=${MY_ORDERS_PAGE}`);
  if (!res.ok) return;
  const fresh = new Set(res.value.orders.map((o) => o.orderId));
  const oldest = res.value.orders[res.value.orders.length - 1];
  const kept = oldest ? myOrders.filter((o) => !fresh.has(o.orderId) && (o.placedAt < oldest.placedAt || (o.placedAt === oldest.placedAt && o.orderId < oldest.orderId))) : [];
  if (kept.length === 0) olderOrders = res.value.nextCursor;
  myOrders = [...res.value.orders, ...kept];
  showMyOrders();
}

async function loadOlderOrders(): Promise<void> {
  if (!olderOrders) return;
  const res = await call<{ orders: MyOrder[]; nextCursor: string | null }>('GET', `/orders?limit=${MY_ORDERS_PAGE}&before=${encodeURIComponent(olderOrders)}`);
  if (!res.ok) return;
  const held = new Set(myOrders.map((o) => o.orderId));
  myOrders = [...myOrders, ...res.value.orders.filter((o) => !held.has(o.orderId))];
  olderOrders = res.value.nextCursor;
  showMyOrders();
}

/**
 * The players table is redrawn at most this often while ticks stream in (many a second during a match): a fan reads
 * a few updates a second, and each redraw is main-thread work that would otherwise delay their clicks (TBT, INP).
 */
const PLAYERS_RENDER_INTERVAL_MS = 250;
let playersFrame = 0;
let playersTimer: ReturnType<typeof setTimeout> | undefined;
let playersRenderedAt = 0;
/** Redraws the players table soon: at the next frame when `now` (the fan's own action), else within PLAYERS_RENDER_INTERVAL_MS of the last redraw. */
function schedulePlayers(now = false): void {
  if (playersFrame) return;
  if (playersTimer && !now) return;
  clearTimeout(playersTimer);
  const wait = now ? 0 : Math.max(0, playersRenderedAt + PLAYERS_RENDER_INTERVAL_MS - Date.now());
  playersTimer = setTimeout(() => { playersTimer = undefined; playersFrame = requestAnimationFrame(drawPlayers); }, wait);
}

function drawPlayers(): void {
  playersFrame = 0;
  playersRenderedAt = Date.now();
  renderPlayers($('players').querySelector('tbody') as HTMLElement, [...players.values()], book, {
    search: ($('search') as HTMLInputElement).value, team: ($('team-filter') as HTMLSelectElement).value, position: ($('position-filter') as HTMLSelectElement).value,
  }, selected, Date.now(), match.fairnessPolicy === undefined || match.fairnessPolicy === 'trade-lock');
}

async function refreshPortfolio(): Promise<void> {
  const res = await call<Portfolio>('GET', '/portfolio');
  if (res.ok) renderPortfolio($('portfolio'), res.value, players, book);
}

async function refreshLeaderboard(): Promise<void> {
  const res = await call<Board>('GET', '/leaderboard?board=overall&limit=10');
  if (res.ok) renderLeaderboard($('leaderboard'), $('my-rank'), res.value, me);
}

async function placeOrder(side: 'BUY' | 'SELL', idempotencyKey: string): Promise<void> {
  if (!selected) return;
  const quantity = Number(($('order-qty') as HTMLInputElement).value);
  const view: OrderView = { orderId: `pending-${idempotencyKey}`, playerId: selected, side, quantity, status: 'pending' };
  orders.set(view.orderId, view);
  renderOrderFeedback($('order-feedback'), [...orders.values()], players);
  const res = await call<{ orderId: string; status?: string }>('POST', '/orders', { playerId: selected, side: side.toLowerCase(), quantity }, { 'Idempotency-Key': idempotencyKey });
  orders.delete(view.orderId);
  if (res.ok) {
    orders.set(res.value.orderId, { ...view, orderId: res.value.orderId, ...(orders.get(res.value.orderId) ?? {}) });
    scheduleMyOrders();
  } else {
    orders.set(view.orderId, { ...view, status: 'rejected', reason: res.error.code, message: res.error.message, ...(res.error.retryAfterMs ? { retryAfterMs: res.error.retryAfterMs } : {}) });
  }
  renderOrderFeedback($('order-feedback'), [...orders.values()], players);
}

function selectPlayer(playerId: string): void {
  selected = playerId;
  const p = players.get(playerId);
  $('order-player').textContent = p ? `${p.name} (${p.teamName})` : playerId;
  schedulePlayers(true);
}

async function enterMarket(): Promise<void> {
  document.documentElement.dataset['session'] = 'in';
  $('who').textContent = me ? `Logged in as ${me}` : '';
  // Everything at once (one round trip, not one after another): the socket subscribes whichever players are known
  // when it opens, and loadPlayers those that arrive later. What names players (the match's recent events, the
  // portfolio, my orders) is drawn once the players are in.
  socket.start();
  void refreshLeaderboard();
  const [, live] = await Promise.all([loadPlayers(), earlyAnswer<{ matches: (MatchView & { recent: ServerMessage[] })[] }>('/matches')]);
  // The most recent match that has not ended; else the last one, which shows its final score.
  const all = live.ok ? live.value.matches : [];
  const current = all.find((m) => !m.finished) ?? all[0];
  if (current) {
    Object.assign(match, { matchId: current.matchId, home: current.home ?? 'Home', away: current.away ?? 'Away', finished: current.finished, fairnessPolicy: current.fairnessPolicy });
    for (const event of current.recent) onMatchEvent(event);
  }
  renderMatch($('match'), match);
  schedulePlayers();
  void refreshPortfolio();
  void refreshMyOrders();
}

/** Loads the players table; true when it holds players of `matchId` (any players when not given). */
async function loadPlayers(matchId?: string): Promise<boolean> {
  const res = await earlyAnswer<{ players: (MarketPlayer & { matchId?: string })[] }>('/players');
  if (!res.ok) return false;
  const fresh = res.value.players.filter((p) => !players.has(p.playerId));
  for (const p of res.value.players) {
    players.set(p.playerId, p);
    if (p.priceCents !== undefined && p.seq !== undefined && !book.get(p.playerId)) book.snapshot(p.playerId, p.priceCents, p.seq, p.lockedUntil ?? null, Date.now());
  }
  const filter = $('team-filter') as HTMLSelectElement;
  const known = new Set([...filter.options].map((o) => o.value));
  const teams = [...new Set(res.value.players.map((p) => p.teamName))].filter((t) => !known.has(t)).sort();
  filter.append(...teams.map((t) => new Option(t, t)));
  if (fresh.length) socket.send({ op: 'subscribe', players: fresh.map((p) => p.playerId) });
  schedulePlayers();
  return res.value.players.some((p) => matchId === undefined || p.matchId === matchId);
}

/** Tries of loading a new match's players (the gateway caches the table for a couple of seconds). */
const NEW_MATCH_PLAYER_TRIES = 10;
const NEW_MATCH_RETRY_MS = 1_500;

/** A match seen for the first time on the socket: its team names, and its players (the roster is registered before kick-off). */
async function loadMatchAndPlayers(matchId: string): Promise<void> {
  let named = false;
  let playersLoaded = false;
  for (let i = 0; i < NEW_MATCH_PLAYER_TRIES && match.matchId === matchId && !(named && playersLoaded); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, NEW_MATCH_RETRY_MS));
    if (!named) {
      const live = await call<{ matches: MatchView[] }>('GET', '/matches');
      const found = live.ok ? live.value.matches.find((m) => m.matchId === matchId && m.home) : undefined;
      if (found && match.matchId === matchId) {
        Object.assign(match, { home: found.home, away: found.away ?? 'Away', fairnessPolicy: found.fairnessPolicy });
        renderMatch($('match'), match);
        named = true;
      }
    }
    if (!playersLoaded) playersLoaded = await loadPlayers(matchId);
  }
}

function wire(): void {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const userId = ($('login-user') as HTMLInputElement).value.trim();
    const res = await call<{ token: string; userId: string }>('POST', '/dev/login', { userId });
    if (!res.ok) { $('login-error').textContent = res.error.message; return; }
    setToken(res.value.token);
    scheduleRefresh();
    // A socket already open (anonymous after a refused token) becomes this user's; a new one sends auth on open.
    socket.send({ op: 'auth', token: res.value.token });
    if (me !== res.value.userId) { myOrders = []; olderOrders = null; orders.clear(); }
    me = res.value.userId;
    sessionStorage.setItem('inplay.user', me);
    await enterMarket();
  });
  // One idempotency key per intent: it is renewed only when the order form changes,
  // so a double click or a retry of the same order never executes twice.
  let intentKey = newIdempotencyKey();
  const renew = (): void => { intentKey = newIdempotencyKey(); };
  $('order-qty').addEventListener('input', renew);
  $('order-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const side = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value === 'SELL' ? 'SELL' : 'BUY';
    const key = `${intentKey}-${side}`;
    void placeOrder(side, key).then(renew);
  });
  const tbody = $('players').querySelector('tbody') as HTMLElement;
  tbody.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest('tr[data-player]') as HTMLElement | null;
    if (row) { selectPlayer(row.dataset['player'] as string); renew(); }
  });
  tbody.addEventListener('keydown', (e) => {
    const row = (e.target as HTMLElement).closest('tr[data-player]') as HTMLElement | null;
    if (row && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); selectPlayer(row.dataset['player'] as string); renew(); }
  });
  $('my-orders-more').addEventListener('click', () => void loadOlderOrders());
  for (const id of ['search', 'team-filter', 'position-filter']) $(id).addEventListener('input', () => schedulePlayers(true));
  // Lock countdowns and "behind" detection tick once a second.
  setInterval(() => {
    schedulePlayers();
    const el = $('connection');
    if (el.classList.contains('live') && Date.now() - socket.lastMessageAt > STALE_AFTER_MS) { el.className = 'connection behind'; el.textContent = 'behind — waiting for updates'; }
  }, 1_000);
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** Refreshes the token before it expires (session.ts says when). */
function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  const token = currentToken();
  const expiresAt = token ? tokenExpiresAt(token) : null;
  if (expiresAt === null) return;
  refreshTimer = setTimeout(() => void refreshToken(), refreshDelayMs(expiresAt, Date.now()));
}

/**
 * A fresh token for the page's: HTTP calls use it from now on, and the open socket gets it in an
 * `auth` message, so it stays open with its subscriptions and seqs (a reconnect would have to resume).
 */
async function refreshToken(): Promise<void> {
  if (!currentToken()) return;
  const res = await call<{ token: string; userId: string; expiresAt: number }>('POST', '/auth/refresh');
  if (!res.ok) {
    if (res.error.status === 401) loggedOut(res.error.message);
    else { clearTimeout(refreshTimer); refreshTimer = setTimeout(() => void refreshToken(), REFRESH_RETRY_MS); }
    return;
  }
  setToken(res.value.token);
  debug.tokenRefreshes += 1;
  socket.send({ op: 'auth', token: res.value.token });
  scheduleRefresh();
}

function loggedOut(reason: string): void {
  clearTimeout(refreshTimer);
  setToken(null);
  me = null;
  sessionStorage.removeItem('inplay.user');
  $('who').textContent = '';
  $('login-error').textContent = reason;
  document.documentElement.dataset['session'] = 'out';
}

wire();
me = sessionStorage.getItem('inplay.user');
if (currentToken() && me) { scheduleRefresh(); void enterMarket(); }
else document.documentElement.dataset['session'] = 'out';
