/**
 * Optional browser notifications while the tab is hidden. Off until the user opts in from the
 * panel; the opt-in is remembered per origin in localStorage.
 */
import type { Notification as HeraldNotification } from '@herald/protocol';

const KEY = 'herald.desktop';

/** Whether this browser has the Notification API at all. */
export function desktopSupported(): boolean {
  return typeof Notification !== 'undefined';
}

/** Opted in and permitted. */
export function desktopEnabled(): boolean {
  if (!desktopSupported() || Notification.permission !== 'granted') return false;
  try {
    return localStorage.getItem(KEY) === 'on';
  } catch {
    return false;
  }
}

/** Whether the panel should offer the opt-in link. */
export function desktopOfferable(): boolean {
  return desktopSupported() && Notification.permission !== 'denied' && !desktopEnabled();
}

/** Asks for permission (must run in a click handler) and records the opt-in. */
export async function enableDesktop(): Promise<boolean> {
  if (!desktopSupported()) return false;
  const result = await Notification.requestPermission();
  if (result !== 'granted') return false;
  try {
    localStorage.setItem(KEY, 'on');
  } catch {
    // Private mode without storage: permission alone still works for this page's life.
  }
  return true;
}

/**
 * Shows a system notification when the tab is hidden. The tag is the notification id, so tabs
 * that all receive the same event (one shared connection) show it once.
 */
export function notifyDesktop(n: HeraldNotification, onClick: () => void): void {
  if (document.visibilityState !== 'hidden' || !desktopEnabled()) return;
  try {
    const sys = new Notification(n.title, { body: n.body ?? '', tag: n.id });
    sys.onclick = () => {
      window.focus();
      onClick();
      sys.close();
    };
  } catch {
    // Some platforms (Android Chrome) only allow notifications from a service worker.
  }
}
