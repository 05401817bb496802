/**
 * A small HTTP endpoint for interactive queries, so any instance can answer for the whole app:
 *
 *   GET /stores/<store>/keys/<key>   the value of a key-value store's key, from whichever instance
 *                                    holds it (asked here, or forwarded once to the owner)
 *   GET /stores/<store>/local        every entry of the store held by this instance
 *
 * Keys in URLs are strings (encoded with `keySerde`, string by default), values are answered as JSON.
 * The instance must be started with `applicationServer` set to the address the others can reach.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Serdes } from '../serde/index.js';
import type { Serde } from '../serde/types.js';
import type { StreamsApp } from './streams-app.js';

export interface QueryServerOptions {
  /** Port to listen on (0: any free port). */
  port: number;
  host?: string;
  /** How URL keys become store keys, per store. Default: strings. */
  keySerdes?: Record<string, Serde<unknown>>;
}

/** Header on a forwarded request, so an instance with a stale view never forwards in circles. */
const FORWARDED = 'x-tributary-forwarded';

export class QueryServer {
  private readonly server: Server;

  constructor(
    private readonly app: StreamsApp,
    private readonly options: QueryServerOptions,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => reply(res, 500, { error: err.message }));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method !== 'GET' || parts[0] !== 'stores' || parts.length < 3) {
      return reply(res, 404, { error: 'use GET /stores/<store>/keys/<key> or /stores/<store>/local' });
    }
    const store = parts[1];
    if (parts[2] === 'local' && parts.length === 3) {
      const entries = this.app.keyValueStore<unknown, unknown>(store).all();
      return reply(res, 200, { store, host: this.app.config.applicationServer, entries });
    }
    if (parts[2] !== 'keys' || parts.length !== 4) return reply(res, 404, { error: `unknown path ${url.pathname}` });
    const keySerde = this.options.keySerdes?.[store] ?? (Serdes.string() as Serde<unknown>);
    const key = keySerde.deserialize(Buffer.from(parts[3]), store);
    const meta = this.app.metadataForKey(store, key, keySerde);
    if (meta.local) {
      const value = this.app.keyValueStore<unknown, unknown>(store).get(key);
      if (value === undefined) return reply(res, 404, { store, key: parts[3], error: 'no such key', host: meta.host });
      return reply(res, 200, { store, key: parts[3], value, host: meta.host });
    }
    if (!meta.host || req.headers[FORWARDED]) {
      return reply(res, 503, { store, key: parts[3], error: `partition ${meta.partition} has no known owner right now (rebalancing?)` });
    }
    const answer = await fetch(`http://${meta.host}${url.pathname}`, { headers: { [FORWARDED]: '1' } });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(await answer.text());
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
