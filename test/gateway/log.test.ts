import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => { text += c.toString(); });
  return { stream, text: () => text };
}

describe('start logs', () => {
  it('are JSON lines when not on a terminal', () => {
    const out = capture();
    createLogger('info', { destination: out.stream }).info({ apiUrl: 'http://wiki/api.php' }, 'Wiki connected');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'Wiki connected', apiUrl: 'http://wiki/api.php' });
  });

  it('are readable lines on a terminal (pino-pretty), secrets still redacted', () => {
    const out = capture();
    createLogger('info', { destination: out.stream, pretty: true }).info({ token: 'abc123secret', apiUrl: 'http://wiki/api.php' }, 'Wiki connected');
    const text = out.text();
    expect(text).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: Wiki connected\n/);
    expect(text).toContain('apiUrl: "http://wiki/api.php"');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('abc123secret');
    expect(() => JSON.parse(text)).toThrow();
  });
});
