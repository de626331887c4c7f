// A real SMTP server for the end-to-end suite: it accepts every message on
// E2E_SMTP_PORT and shows what it kept as JSON on E2E_MAIL_PORT (GET /messages).
import http from 'node:http';
import { SMTPServer } from 'smtp-server';

const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2526);
const httpPort = Number(process.env.E2E_MAIL_PORT ?? 3108);
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const subject = /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '';
      messages.push({
        to: session.envelope.rcptTo.map((r) => r.address),
        subject,
        raw,
        receivedAt: Date.now(),
      });
      callback();
    });
  },
});
smtp.listen(smtpPort, '127.0.0.1');

http
  .createServer((request, response) => {
    if (request.url === '/messages') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(messages));
    } else if (request.url === '/healthz') {
      response.end('ok');
    } else {
      response.writeHead(404).end();
    }
  })
  .listen(httpPort, '127.0.0.1');
