// One-time download tickets. A browser download is a navigation, which carries no header, and the session token must
// not sit in a URL browsers keep (history, the downloads list). So the page asks for a ticket with the token (a POST
// with the header); the ticket stands for that download's parameters, works once, and expires within a minute.
import { randomBytes } from 'node:crypto';

const TTL_MS = 60_000;
const MAX_TICKETS = 100;

export interface DownloadTickets {
  issue(params: URLSearchParams): string;
  /** The parameters a ticket stands for, once; undefined when unknown, used or expired. */
  redeem(ticket: string | null): URLSearchParams | undefined;
}

export function downloadTickets(now: () => number = Date.now): DownloadTickets {
  const tickets = new Map<string, { readonly params: URLSearchParams; readonly expires: number }>();
  return {
    issue(params) {
      const time = now();
      for (const [id, entry] of tickets) if (entry.expires <= time) tickets.delete(id);
      if (tickets.size >= MAX_TICKETS) tickets.delete(tickets.keys().next().value as string);
      const id = randomBytes(18).toString('base64url');
      tickets.set(id, { params: new URLSearchParams(params), expires: time + TTL_MS });
      return id;
    },
    redeem(ticket) {
      const entry = ticket === null ? undefined : tickets.get(ticket);
      if (ticket === null || !entry) return undefined;
      tickets.delete(ticket);
      return entry.expires > now() ? entry.params : undefined;
    },
  };
}
