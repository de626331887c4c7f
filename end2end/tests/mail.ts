import { expect } from '@playwright/test';
import { MAIL_PORT } from '../playwright.config';

export interface Mail {
  to: string[];
  subject: string;
  raw: string;
  receivedAt: number;
}

/** Every message the capture server has received so far. */
export async function allMail(): Promise<Mail[]> {
  const response = await fetch(`http://127.0.0.1:${MAIL_PORT}/messages`);
  return (await response.json()) as Mail[];
}

/** Waits for the `nth` (counting from 0) message to `to` and returns it. */
export async function mailTo(to: string, nth: number): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(async () => {
      found = (await allMail()).filter((m) => m.to.includes(to))[nth];
      return found !== undefined;
    }, { message: `message ${nth} to ${to}`, timeout: 10_000 })
    .toBe(true);
  return found!;
}

/** How many messages went to `to`. */
export async function mailCount(to: string): Promise<number> {
  return (await allMail()).filter((m) => m.to.includes(to)).length;
}

/** The six-digit code of a code message: a line of its own in the text (the subject
 * names only the purpose). */
export function codeIn(mail: Mail): string {
  expect(mail.subject, 'the subject never carries the code').not.toMatch(/\d{6}/);
  const code = /^\s*(\d{6})\s*$/m.exec(mail.raw)?.[1];
  expect(code, `a code in the message "${mail.subject}"`).toBeTruthy();
  return code!;
}
