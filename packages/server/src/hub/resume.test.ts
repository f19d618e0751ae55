import { describe, expect, it } from 'vitest';
import { decideStart, type StartPoint } from './resume.ts';

const E = 'ep0ch';
const user = { last: 50, trimmed: 20 };
const topic = { last: 900, trimmed: 400 };

describe('decideStart', () => {
  const cases: [string, string | undefined, StartPoint][] = [
    ['no cursor: start at the end of both logs, nothing to replay', undefined, { userSeq: 50, topicSeq: 900, resumed: false }],
    ['an empty cursor counts as none', '', { userSeq: 50, topicSeq: 900, resumed: false }],
    ['a malformed cursor: reset, from now', 'not-a-cursor', { userSeq: 50, topicSeq: 900, resumed: false, reset: 'cursor' }],
    ['another epoch: reset, from now', 'other.a.b', { userSeq: 50, topicSeq: 900, resumed: false, reset: 'epoch' }],
    ['a user seq past the log: reset (another database reused the epoch)', `${E}.${(51).toString(36)}.0`, { userSeq: 50, topicSeq: 900, resumed: false, reset: 'cursor' }],
    ['a topic seq past the log: reset', `${E}.1.${(901).toString(36)}`, { userSeq: 50, topicSeq: 900, resumed: false, reset: 'cursor' }],
    ['a user seq below the trimmed point: reset for retention', `${E}.${(19).toString(36)}.${(500).toString(36)}`, { userSeq: 50, topicSeq: 900, resumed: false, reset: 'retention' }],
    ['a user seq exactly at the trimmed point: resumes (the next event is kept)', `${E}.${(20).toString(36)}.${(500).toString(36)}`, { userSeq: 20, topicSeq: 500, resumed: true }],
    ['within retention: resumes from the cursor', `${E}.${(30).toString(36)}.${(600).toString(36)}`, { userSeq: 30, topicSeq: 600, resumed: true }],
    ['at the end of both logs: resumes with nothing to replay', `${E}.${(50).toString(36)}.${(900).toString(36)}`, { userSeq: 50, topicSeq: 900, resumed: true }],
    ['a topic seq below topic retention: resumes from what is left, no reset', `${E}.${(30).toString(36)}.${(10).toString(36)}`, { userSeq: 30, topicSeq: 400, resumed: true }],
  ];
  it.each(cases)('%s', (_name, cursor, want) => {
    expect(decideStart(cursor, E, user, topic)).toEqual(want);
  });
});
