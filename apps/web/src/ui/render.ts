// Rendering: plain DOM, rebuilt from state. Every control is labelled for
// screen readers and reachable by keyboard.
import { EVENT_LABELS, matchClock, money, percentChange, reasonText, secondsLeft, signedMoney } from '../format';
import { sparklinePoints, type PriceBook } from '../prices';

export interface MarketPlayer {
  playerId: string;
  name: string;
  teamName: string;
  /** null when the provider's data gives none (shown as "unknown"). */
  position: string | null;
  jersey?: number | null;
  priceCents?: number;
  seq?: number;
  lockedUntil?: number | null;
}

export interface MatchView { matchId: string | null; home: string; away: string; homeScore: number; awayScore: number; clock: string; period: number; clockMs?: number; finished?: boolean; fairnessPolicy?: string }
export interface Holding { playerId: string; quantity: number; averageCostCents: number | null; latestPriceCents: number | null; valueCents: number; unrealisedPnlCents: number; realisedPnlCents: number }
export interface Portfolio { cashCents: number; holdings: Holding[]; totalValueCents?: number; realisedPnlCents?: number }
export interface Board { boardId: string; totalUsers: number; entries: { rank: number; userId: string; valueCents: number }[]; you?: { rank: number; valueCents: number } | null; beyondTop?: boolean }
/** One of the user's orders as GET /orders lists it. */
export interface MyOrder {
  orderId: string; playerId: string; side: 'BUY' | 'SELL'; quantity: number; placedAt: number;
  status: 'PENDING' | 'FILLED' | 'REJECTED' | 'VOIDED'; reason: string | null; reasonText: string | null; fillPriceCents: number | null; voided: boolean;
}
export interface OrderView { orderId: string; playerId: string; side: string; quantity: number; status: 'pending' | 'filled' | 'rejected'; fillPriceCents?: number; reason?: string; message?: string; retryAfterMs?: number }

const FLASH_MS = 800;
const PLAYER_COLUMNS = 5;
export const UNKNOWN_POSITION = 'unknown';
export const NO_MATCH_TEXT = 'No match is live right now. Prices appear here as soon as one kicks off.';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function renderPlayers(
  tbody: HTMLElement,
  players: MarketPlayer[],
  book: PriceBook,
  filter: { search: string; team: string; position: string },
  selected: string | null,
  nowMs: number,
  /** Lock countdowns mean something only where the trade lock is the match's fairness policy. */
  showLocks = true,
): void {
  const search = filter.search.trim().toLowerCase();
  const rows = players
    .filter((p) => (!search || p.name.toLowerCase().includes(search)) && (!filter.team || p.teamName === filter.team) && (!filter.position || (p.position ?? UNKNOWN_POSITION) === filter.position))
    .sort((a, b) => (book.get(b.playerId)?.priceCents ?? 0) - (book.get(a.playerId)?.priceCents ?? 0) || a.name.localeCompare(b.name));
  const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.['player'];
  if (rows.length === 0) {
    const empty = el('td', { colspan: String(PLAYER_COLUMNS), class: 'muted empty' }, players.length === 0 ? NO_MATCH_TEXT : 'No player matches these filters.');
    tbody.replaceChildren(el('tr', {}, ''));
    tbody.firstElementChild?.append(empty);
    return;
  }
  // Same players in the same order as drawn: update the cells in place (a tick changes a price, a lock, a sparkline),
  // which is far less work than drawing every row again; a new order or set of players draws the rows anew.
  const drawn = [...tbody.children].map((tr) => (tr as HTMLElement).dataset['player']);
  if (drawn.length === rows.length && rows.every((p, i) => drawn[i] === p.playerId)) {
    rows.forEach((p, i) => fillPlayerRow(tbody.children[i] as HTMLTableRowElement, p, book, selected, nowMs, showLocks));
    return;
  }
  tbody.replaceChildren(...rows.map((p) => {
    const tr = el('tr', { 'data-player': p.playerId, tabindex: '0' });
    const name = el('td');
    name.append(el('span', {}, p.name), el('span', { class: 'lock' }, ''));
    const priceCell = el('td', { class: 'num price' });
    const trend = el('td', { class: 'trend' });
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', '0 0 90 22');
    svg.setAttribute('aria-hidden', 'true');
    svg.append(document.createElementNS('http://www.w3.org/2000/svg', 'polyline'));
    trend.append(svg);
    const trade = el('td');
    trade.append(el('button', { type: 'button', class: 'secondary', 'aria-label': `Trade ${p.name}`, tabindex: '-1' }, 'Trade'));
    tr.append(name, el('td', p.position ? {} : { class: 'muted' }, p.position ?? UNKNOWN_POSITION), priceCell, trend, trade);
    fillPlayerRow(tr, p, book, selected, nowMs, showLocks);
    return tr;
  }));
  if (focusedId) (tbody.querySelector(`tr[data-player="${CSS.escape(focusedId)}"]`) as HTMLElement | null)?.focus();
}

/** The parts of a player's row that change with ticks and selection (the row's cells exist: renderPlayers made them). */
function fillPlayerRow(tr: HTMLTableRowElement, p: MarketPlayer, book: PriceBook, selected: string | null, nowMs: number, showLocks: boolean): void {
  const price = book.get(p.playerId);
  const isSelected = p.playerId === selected;
  setAttr(tr, 'aria-selected', String(isSelected));
  tr.classList.toggle('selected', isSelected);
  const [name, , priceCell, trend] = [...tr.cells] as HTMLTableCellElement[];
  const locked = secondsLeft(price?.lockedUntil ?? null, nowMs);
  setText(name?.lastElementChild as HTMLElement, locked > 0 && showLocks ? `locked ${locked} s` : '');
  if (!priceCell) return;
  setText(priceCell, price ? money(price.priceCents) : '—');
  const dir = price ? (price.priceCents > price.previousPriceCents ? 'up' : price.priceCents < price.previousPriceCents ? 'down' : '') : '';
  const flashing = price && dir && nowMs - price.changedAt < FLASH_MS ? `flash-${dir}` : '';
  setAttr(priceCell, 'class', ['num', 'price', dir, flashing].filter(Boolean).join(' '));
  if (price) setAttr(priceCell, 'aria-label', `${money(price.priceCents)}, ${percentChange(price.history[0] ?? price.priceCents, price.priceCents)} over recent ticks`);
  const line = trend?.querySelector('polyline');
  if (line) setAttr(line, 'points', sparklinePoints(price?.history ?? [], 90, 22));
}

/** Writes only what changed: an unchanged text or attribute costs no style or layout work. */
function setText(node: HTMLElement | null | undefined, text: string): void {
  if (node && node.textContent !== text) node.textContent = text;
}
function setAttr(node: Element, name: string, value: string): void {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

export function renderMatch(target: HTMLElement, m: MatchView): void {
  if (!m.matchId) {
    target.replaceChildren(el('span', { class: 'muted' }, NO_MATCH_TEXT));
    return;
  }
  target.replaceChildren(
    el('span', {}, m.home || 'Home'),
    el('span', { class: 'score', 'aria-label': `score ${m.homeScore} to ${m.awayScore}` }, `${m.homeScore} – ${m.awayScore}`),
    el('span', {}, m.away || 'Away'),
    el('span', { class: 'clock' }, m.finished ? '  full time' : m.clockMs !== undefined && m.period ? `  ${matchClock(m.clockMs, m.period)}` : ''),
  );
}

export function renderTickerItem(m: Record<string, unknown>, players: Map<string, MarketPlayer>): HTMLLIElement {
  const who = players.get(String(m['playerId']))?.name ?? '';
  const label = EVENT_LABELS[String(m['eventType'] ?? m['type'])] ?? String(m['eventType']);
  const li = el('li');
  li.append(el('span', { class: 't' }, matchClock(Number(m['matchClockMs'] ?? 0), Number(m['period'] ?? 1))), el('span', {}, `${label}${who ? ` — ${who}` : ''}`));
  return li;
}

export function renderOrderFeedback(target: HTMLElement, orders: OrderView[], players: Map<string, MarketPlayer>): void {
  target.replaceChildren(...orders.slice(-6).reverse().map((o) => {
    const name = players.get(o.playerId)?.name ?? o.playerId;
    const what = `${o.side === 'SELL' ? 'Sell' : 'Buy'} ${o.quantity} × ${name}`;
    const text = o.status === 'pending' ? `${what}: pending…`
      : o.status === 'filled' ? `${what}: filled at ${money(o.fillPriceCents ?? 0)}`
      : `${what}: ${reasonText(o.reason, o.retryAfterMs)}`;
    return el('li', { class: o.status }, text);
  }));
}

export function renderPortfolio(target: HTMLElement, p: Portfolio, players: Map<string, MarketPlayer>, book: PriceBook): void {
  const rows = p.holdings.filter((h) => h.quantity > 0).map((h) => {
    const latest = book.get(h.playerId)?.priceCents ?? h.latestPriceCents ?? 0;
    const average = h.averageCostCents ?? 0;
    const unrealised = (latest - average) * h.quantity;
    return el('li', {}, `${players.get(h.playerId)?.name ?? h.playerId}: ${h.quantity} @ ${money(average)} → ${money(latest)} (${signedMoney(unrealised)})`);
  });
  const holdingsValue = p.holdings.reduce((sum, h) => sum + h.quantity * (book.get(h.playerId)?.priceCents ?? h.latestPriceCents ?? 0), 0);
  const list = el('ul');
  list.append(...rows);
  target.replaceChildren(
    el('p', {}, `Cash ${money(p.cashCents)} · Holdings ${money(holdingsValue)} · Total ${money(p.cashCents + holdingsValue)}`),
    rows.length ? list : el('p', { class: 'muted' }, 'No holdings yet.'),
  );
}

export function renderLeaderboard(list: HTMLElement, mine: HTMLElement, board: Board, me: string | null): void {
  list.replaceChildren(...board.entries.map((e) => {
    const li = el('li', { value: String(e.rank) }, `${e.userId} — ${money(e.valueCents)}`);
    if (e.userId === me) li.classList.add('me');
    return li;
  }));
  mine.textContent = board.you ? `Your rank: ${board.you.rank} of ${board.totalUsers}` : board.beyondTop ? `You are outside the top ${board.entries.length} of ${board.totalUsers}` : '';
}

const timeOfDay = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The "My orders" list, newest first: when, what, and how it stands (the fill, or why not, in the gateway's words). */
export function renderMyOrders(list: HTMLElement, empty: HTMLElement, more: HTMLButtonElement, orders: MyOrder[], players: Map<string, MarketPlayer>, hasOlder: boolean): void {
  list.replaceChildren(...orders.map((o) => {
    const name = players.get(o.playerId)?.name ?? o.playerId;
    const state = o.status.toLowerCase();
    const li = el('li', { class: state, 'data-order': o.orderId, 'data-status': o.status });
    const placed = new Date(o.placedAt);
    li.append(
      el('time', { datetime: placed.toISOString() }, timeOfDay.format(placed)),
      el('span', { class: 'what' }, `${o.side === 'SELL' ? 'Sell' : 'Buy'} ${o.quantity} × ${name}`),
      el('span', { class: `status ${state}` }, myOrderStatusText(o)),
    );
    return li;
  }));
  empty.hidden = orders.length > 0;
  more.hidden = !hasOlder;
}

export function myOrderStatusText(o: Pick<MyOrder, 'status' | 'fillPriceCents' | 'reasonText'>): string {
  switch (o.status) {
    case 'FILLED': return `Filled at ${money(o.fillPriceCents ?? 0)}`;
    case 'VOIDED': return `${o.reasonText ?? 'Voided'}${o.fillPriceCents !== null ? ` (fill at ${money(o.fillPriceCents)} reversed)` : ''}`;
    case 'REJECTED': return `Refused: ${o.reasonText ?? 'rejected'}`;
    default: return 'Pending…';
  }
}
