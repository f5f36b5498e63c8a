/** A real SMTP server (smtp-server) on a loopback port, keeping what it receives: the mail specs' inbox. */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received { to: string; subject: string; text: string }

export interface TestSmtp {
  url: string;
  inbox: Received[];
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
        inbox.push({ to, subject: mail.subject ?? '', text: mail.text ?? '' });
        callback();
      }, (err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, inbox, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
