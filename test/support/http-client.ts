/** A small HTTP(S) client for black-box tests of HTTP servers (custom CA, any method, raw answers). */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** PEM of the CA that issued an HTTPS server's certificate. */
  readonly ca?: string;
  /** PEM client certificate and key, for servers that ask for one. */
  readonly cert?: string;
  readonly key?: string;
}

export function httpRequest(url: string, request: HttpRequest = {}): Promise<HttpAnswer> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: request.method ?? 'GET',
        headers: request.headers ?? {},
        ...(request.ca !== undefined ? { ca: request.ca } : {}),
        ...(request.cert !== undefined && request.key !== undefined ? { cert: request.cert, key: request.key } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
