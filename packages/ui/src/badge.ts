/** The unread badge's text and its spoken label. Pure. */

/** The most the badge shows before it reads "99+". */
export const BADGE_CAP = 99;

/** Badge text for an unread count: '' hides the badge, past the cap it reads "99+". */
export function badgeText(unread: number): string {
  if (!Number.isFinite(unread) || unread <= 0) return '';
  return unread > BADGE_CAP ? `${BADGE_CAP}+` : String(Math.floor(unread));
}

/** The bell button's accessible name, so a screen reader hears the count the badge shows. */
export function bellLabel(unread: number): string {
  const n = Number.isFinite(unread) && unread > 0 ? Math.floor(unread) : 0;
  if (n === 0) return 'Notifications, none unread';
  return `Notifications, ${n > BADGE_CAP ? `more than ${BADGE_CAP}` : n} unread`;
}
