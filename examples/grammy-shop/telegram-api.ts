// A local stand-in for the Telegram Bot API: answers sendMessage as Telegram does and keeps what
// the bot sent, so the example runs offline.
import { createServer, type Server } from 'node:http';

/** A message the bot sent. */
export interface SentMessage {
  readonly chat_id: number;
  readonly text: string;
}

/** The local Bot API: its root URL for grammY, what the bot sent, and `close()`. */
export interface LocalTelegramApi {
  readonly apiRoot: string;
  readonly sent: SentMessage[];
  close(): Promise<void>;
}

/** Starts the local Bot API on a free loopback port. */
export async function startTelegramApi(): Promise<LocalTelegramApi> {
  const sent: SentMessage[] = [];
  let nextMessageId = 1000;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const method = request.url?.split('/').pop();
      const payload: { chat_id: number; text: string } | undefined = body ? JSON.parse(body) : undefined;
      response.setHeader('content-type', 'application/json');
      if (method !== 'sendMessage' || !payload) {
        response.end(JSON.stringify({ ok: false, error_code: 404, description: `Not Found: method ${method}` }));
        return;
      }
      sent.push({ chat_id: payload.chat_id, text: payload.text });
      const message = { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: payload.chat_id, type: 'private' }, text: payload.text };
      response.end(JSON.stringify({ ok: true, result: message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the local Bot API has no TCP address');
  return {
    apiRoot: `http://127.0.0.1:${address.port}`,
    sent,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
