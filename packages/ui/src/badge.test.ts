import { describe, expect, it } from 'vitest';
import { badgeText, bellLabel } from './badge.ts';

describe('badgeText', () => {
  it('hides at zero and for nonsense', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(-3)).toBe('');
    expect(badgeText(NaN)).toBe('');
  });
  it('shows the count up to 99, then 99+', () => {
    expect(badgeText(1)).toBe('1');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
    expect(badgeText(12_345)).toBe('99+');
  });
});

describe('bellLabel', () => {
  it('speaks the count', () => {
    expect(bellLabel(0)).toBe('Notifications, none unread');
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
    expect(bellLabel(250)).toBe('Notifications, more than 99 unread');
  });
});
