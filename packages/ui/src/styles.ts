/**
 * The bell's shadow-DOM stylesheet. Public theme knobs are `--herald-*` custom properties set
 * from the page; internally every rule reads a `--_*` variable that falls back to the knob, then
 * to the light or dark default, so a page's override wins in both themes.
 */

const LIGHT = `
  --_accent: var(--herald-accent, #5b5bd6);
  --_bg: var(--herald-bg, #ffffff);
  --_fg: var(--herald-fg, #1b1d22);
  --_muted: var(--herald-muted, #686d78);
  --_border: var(--herald-border, #e6e7eb);
  --_hover: var(--herald-hover, #f5f6f8);
  --_unread-bg: var(--herald-unread-bg, #f8f8ff);
  --_shadow: 0 16px 40px -12px rgba(16, 24, 40, .22), 0 2px 6px rgba(16, 24, 40, .06);
  --_info: #2f6fed; --_success: #1f9d55; --_warning: #d97706; --_critical: #e5484d;
`;

const DARK = `
  --_accent: var(--herald-accent, #8f8ff5);
  --_bg: var(--herald-bg, #18191d);
  --_fg: var(--herald-fg, #ecedf0);
  --_muted: var(--herald-muted, #9a9ea8);
  --_border: var(--herald-border, #2c2e35);
  --_hover: var(--herald-hover, #212329);
  --_unread-bg: var(--herald-unread-bg, #1d1e27);
  --_shadow: 0 16px 40px -12px rgba(0, 0, 0, .6), 0 2px 6px rgba(0, 0, 0, .3);
  --_info: #5b8def; --_success: #3dbb73; --_warning: #f0a43a; --_critical: #f2555a;
`;

export const STYLES = `
:host {
  ${LIGHT}
  --_radius: var(--herald-radius, 12px);
  --_font: var(--herald-font, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  position: relative;
  display: inline-block;
  font-family: var(--_font);
  font-size: 14px;
  line-height: 1.4;
  color: var(--_fg);
  -webkit-font-smoothing: antialiased;
}
:host([theme=dark]) { ${DARK} }
@media (prefers-color-scheme: dark) { :host(:not([theme=light])) { ${DARK} } }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
button { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
button:focus-visible, [tabindex]:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.bell {
  position: relative; display: grid; place-items: center; width: 38px; height: 38px;
  border-radius: 10px; color: var(--herald-bell-color, currentColor);
  transition: background-color .15s ease;
}
:host { color: var(--_fg); }
.bell:hover, .bell[aria-expanded=true] { background: color-mix(in srgb, currentColor 10%, transparent); }
.badge {
  position: absolute; top: 3px; right: 2px; min-width: 17px; height: 17px; padding: 0 5px;
  border-radius: 999px; background: var(--herald-badge, var(--_critical)); color: #fff;
  font-size: 10.5px; font-weight: 650; line-height: 17px; text-align: center;
  font-variant-numeric: tabular-nums; box-shadow: 0 0 0 2px var(--herald-badge-ring, var(--_bg));
  transform-origin: center; animation: pop .28s cubic-bezier(.2, 1.4, .4, 1);
}
.badge:empty { display: none; }
.bell .conn { position: absolute; bottom: 6px; right: 6px; width: 7px; height: 7px; box-shadow: 0 0 0 2px var(--_bg); }
.bell .conn[data-state=live], .bell .conn[data-state=polling] { display: none; }

.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--_muted); flex: none; }
[data-state=live] .dot, .dot[data-state=live] { background: var(--_success); box-shadow: 0 0 0 3px color-mix(in srgb, var(--_success) 22%, transparent); }
[data-state=polling] .dot, .dot[data-state=polling] { background: var(--_info); }
[data-state=reconnecting] .dot, .dot[data-state=reconnecting],
[data-state=connecting] .dot, .dot[data-state=connecting] { background: var(--_warning); animation: blink 1.2s ease-in-out infinite; }
[data-state=failed] .dot, .dot[data-state=failed] { background: var(--_critical); }

.panel {
  position: absolute; top: calc(100% + 8px); right: 0; z-index: 2147483000;
  width: var(--herald-panel-width, 384px); max-width: calc(100vw - 16px);
  max-height: min(var(--herald-panel-height, 540px), calc(100vh - 80px));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--_bg); color: var(--_fg); border: 1px solid var(--_border);
  border-radius: var(--_radius); box-shadow: var(--_shadow);
  visibility: hidden; opacity: 0; transform: translateY(-6px) scale(.98); transform-origin: top right;
  transition: opacity .16s ease, transform .18s cubic-bezier(.2, .8, .2, 1), visibility 0s linear .18s;
}
:host([position$=left]) .panel { right: auto; left: 0; transform-origin: top left; }
.panel.open { visibility: visible; opacity: 1; transform: none; transition: opacity .16s ease, transform .18s cubic-bezier(.2, .8, .2, 1); }
.panel:focus { outline: none; }

header { display: flex; align-items: center; gap: 10px; padding: 14px 16px 12px; border-bottom: 1px solid var(--_border); }
h2 { margin: 0; font-size: 15px; font-weight: 650; letter-spacing: -.01em; }
.status { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--_muted); }
.status .dot { width: 7px; height: 7px; }
.spacer { flex: 1; }
.text-btn {
  display: inline-flex; align-items: center; gap: 6px; padding: 5px 8px; margin: -5px -8px -5px 0;
  border-radius: 6px; font-size: 12.5px; font-weight: 550; color: var(--_accent); white-space: nowrap;
}
.text-btn:hover { background: color-mix(in srgb, var(--_accent) 10%, transparent); }
.text-btn:disabled { color: var(--_muted); cursor: default; background: none; opacity: .6; }

.items { margin: 0; padding: 0; list-style: none; }
.scroll { flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain; scrollbar-width: thin; }
.item { position: relative; border-bottom: 1px solid color-mix(in srgb, var(--_border) 70%, transparent); }
.item:last-of-type { border-bottom: 0; }
.item.unread { background: var(--_unread-bg); }
.main {
  display: grid; grid-template-columns: 32px 1fr; gap: 12px; width: 100%; padding: 14px 40px 14px 16px;
  text-align: left; transition: background-color .12s ease;
}
.main:hover { background: var(--_hover); }
.main:focus-visible { outline-offset: -2px; border-radius: 4px; }
.ico {
  display: grid; place-items: center; width: 32px; height: 32px; border-radius: 50%;
  color: var(--_sev); background: color-mix(in srgb, var(--_sev) 13%, transparent);
}
.sev-info { --_sev: var(--_info); }
.sev-success { --_sev: var(--_success); }
.sev-warning { --_sev: var(--_warning); }
.sev-critical { --_sev: var(--_critical); }
.txt { min-width: 0; }
/* Three lines at most (a title may be 500 characters): a toast can never cover the page. The
   whole text stays in the DOM for screen readers and in the row's aria-label. */
.title {
  display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden;
  font-size: 13.5px; font-weight: 500; color: var(--_fg); overflow-wrap: anywhere;
}
.unread .title { font-weight: 650; }
.body {
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
  margin-top: 2px; font-size: 13px; color: var(--_muted); overflow-wrap: anywhere;
}
.meta { display: flex; gap: 6px; margin-top: 6px; font-size: 12px; color: var(--_muted); min-width: 0; }
.meta time { flex: none; white-space: nowrap; }
.meta .cat { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.meta .cat::before { content: "·"; margin-right: 6px; }
.udot { position: absolute; top: 20px; right: 18px; width: 8px; height: 8px; border-radius: 50%; background: var(--_accent); }
.item:not(.unread) .udot { display: none; }
.arch {
  position: absolute; right: 10px; bottom: 10px; display: grid; place-items: center; width: 26px; height: 26px;
  border-radius: 6px; color: var(--_muted); opacity: 0; transition: opacity .12s ease, background-color .12s ease;
}
.item:hover .arch, .arch:focus-visible { opacity: 1; }
.arch:hover { background: color-mix(in srgb, var(--_fg) 8%, transparent); color: var(--_fg); }
.sentinel { height: 1px; }
.more { padding: 12px; text-align: center; font-size: 12px; color: var(--_muted); }

.state { display: flex; flex-direction: column; align-items: center; gap: 6px; padding: 44px 24px 48px; text-align: center; }
.state .big { display: grid; place-items: center; width: 48px; height: 48px; margin-bottom: 6px; border-radius: 50%; color: var(--_muted); background: var(--_hover); }
.state.error .big { color: var(--_critical); background: color-mix(in srgb, var(--_critical) 12%, transparent); }
.state strong { font-size: 14px; font-weight: 600; }
.state span { font-size: 13px; color: var(--_muted); }
.state .text-btn { margin: 6px 0 0; }
.skel { display: grid; grid-template-columns: 32px 1fr; gap: 12px; padding: 14px 16px; }
.skel i { display: block; height: 10px; border-radius: 5px; background: var(--_hover); animation: shimmer 1.2s ease-in-out infinite; }
.skel i:first-child { width: 32px; height: 32px; border-radius: 50%; grid-row: span 2; }
.skel i:last-child { width: 60%; }

footer { display: flex; align-items: center; gap: 8px; padding: 10px 16px; border-top: 1px solid var(--_border); font-size: 12px; color: var(--_muted); }
footer:empty, footer[hidden] { display: none; }
footer .text-btn { margin: -5px -8px; font-size: 12px; }

.toasts {
  position: fixed; right: 16px; bottom: 16px; z-index: 2147483001; width: 360px; max-width: calc(100vw - 32px);
  display: flex; flex-direction: column; gap: 10px; pointer-events: none;
}
:host([position^=top]) .toasts { bottom: auto; top: 16px; flex-direction: column-reverse; }
:host([position$=left]) .toasts { right: auto; left: 16px; }
.toast {
  position: relative; display: grid; grid-template-columns: 32px 1fr; gap: 12px; padding: 14px 40px 14px 14px;
  background: var(--_bg); color: var(--_fg); border: 1px solid var(--_border); border-radius: var(--_radius);
  box-shadow: var(--_shadow); pointer-events: auto; cursor: pointer; overflow: hidden;
  animation: toast-in .32s cubic-bezier(.2, .9, .25, 1.05);
}
.toast::before { content: ""; position: absolute; inset: 0 auto 0 0; width: 3px; background: var(--_sev); }
.toast .title { font-weight: 600; }
.toast .x {
  position: absolute; top: 10px; right: 10px; display: grid; place-items: center; width: 24px; height: 24px;
  border-radius: 6px; color: var(--_muted);
}
.toast .x:hover { background: var(--_hover); color: var(--_fg); }

@keyframes pop { from { transform: scale(.4); opacity: 0; } to { transform: scale(1); opacity: 1; } }
@keyframes blink { 50% { opacity: .35; } }
@keyframes shimmer { 50% { opacity: .5; } }
@keyframes toast-in { from { opacity: 0; transform: translateY(12px) scale(.97); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { *, *::before { animation: none !important; transition: none !important; } }
`;
