// A wall is never scrolled: the text is sized to the screen (CSS, in vh/vw), and when a busy
// moment (alerts, many areas, long names) still overflows it, everything is scaled down a step
// at a time until it fits. Layout is synchronous, so no intermediate size is ever painted.
const smallest = 0.6;

export function fitToScreen(): void {
  const root = document.documentElement;
  const overflows = (): boolean => root.scrollHeight > window.innerHeight || root.scrollWidth > window.innerWidth;
  let scale = 1;
  root.style.setProperty("--fit", "1");
  while (overflows() && scale > smallest) {
    scale = Math.round((scale - 0.04) * 100) / 100;
    root.style.setProperty("--fit", String(scale));
  }
  root.dataset.fit = String(scale);
}
