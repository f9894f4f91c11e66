// A wall is never scrolled: the text is sized to the screen (CSS, in vh/vw), and when a busy
// moment (alerts, many areas, long names) still overflows it, everything is scaled down a step
// at a time until it fits. Past three quarters the tiles' detail lines go first (a wall of 30
// areas is read by its big figures and colours), then the steps go on down to 60%. Layout is
// synchronous, so no intermediate size is ever painted.
export function fitToScreen(): void {
  const root = document.documentElement;
  const overflows = (): boolean => root.scrollHeight > window.innerHeight || root.scrollWidth > window.innerWidth;
  const shrink = (smallest: number): number => {
    let scale = 1;
    root.style.setProperty("--fit", "1");
    while (overflows() && scale > smallest) {
      scale = Math.round((scale - 0.04) * 100) / 100;
      root.style.setProperty("--fit", String(scale));
    }
    return scale;
  };
  delete root.dataset.dense;
  let scale = shrink(0.75);
  if (overflows()) {
    root.dataset.dense = "true";
    scale = shrink(0.6);
  }
  root.dataset.fit = String(scale);
}
