// The control-room wall display: subscribes to the live feed through gRPC-Web and redraws.
// URL parameters: areas=shropshire,telford-and-wrekin  feeds=calls,incidents,intelligence,alerts  stale=15 (seconds);
// the viewer token in the fragment: /wall/?areas=…#token=…
import { LiveFeed } from "./gen/metrics/v1/live_pb";
import { Figures } from "./figures";
import { measures, renewForever, subscribeForever, type ConnectionState } from "./connection";
import { render } from "./render";
import { fitToScreen } from "./fit";

const parameters = new URLSearchParams(window.location.search);
const list = (name: string): string[] => (parameters.get(name) ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
const feedNames: Record<string, LiveFeed> = {
  calls: LiveFeed.CALLS,
  incidents: LiveFeed.INCIDENTS,
  intelligence: LiveFeed.INTELLIGENCE,
  alerts: LiveFeed.ALERTS,
};
const feeds = list("feeds").flatMap((f) => (feedNames[f] === undefined ? [] : [feedNames[f]]));
const areaCodes = list("areas");
const staleAfterSeconds = Number(parameters.get("stale") ?? "15");

const figures = new Figures();
const openedAt = new Date();
const areaNames = new Map<string, string>();
const status = document.getElementById("status")!;
const updated = document.getElementById("updated")!;
const stale = document.getElementById("stale")!;
let state: ConnectionState = { kind: "connecting" };

function clock(date: Date | undefined): string {
  return date ? date.toLocaleTimeString("en-GB", { timeZone: "Europe/London" }) : "–";
}

function showStatus(): void {
  // Stale: nothing for the threshold since the last data, or since the page opened (not from the first second).
  const age = (Date.now() - (figures.receivedAt ?? openedAt).getTime()) / 1000;
  const isStale = age > staleAfterSeconds;
  document.body.classList.toggle("is-stale", isStale);
  const wasHidden = stale.hidden;
  stale.hidden = !isStale && state.kind !== "refused";
  if (stale.hidden !== wasHidden) fitToScreen();
  stale.textContent = state.kind === "refused"
    ? state.notAuthorised
      ? `⚠ NOT AUTHORISED: ${state.reason}. Open this page with a viewer token: /wall/#token=…`
      : `⚠ REFUSED: ${state.reason}. Check the page's address (?areas=…).`
    : figures.receivedAt
    ? `⚠ STALE: no data since ${clock(figures.receivedAt)}. ${state.kind === "retrying" ? `Reconnecting in ${state.inSeconds} s.` : ""}`
    : "⚠ Waiting for the first data…";
  status.textContent =
    state.kind === "live" && !isStale ? "● LIVE" : state.kind === "refused" ? (state.notAuthorised ? "○ NOT AUTHORISED" : "○ REFUSED") : state.kind === "retrying" ? "○ RECONNECTING" : isStale ? "○ STALE" : "○ CONNECTING";
  status.className = state.kind === "live" && !isStale ? "live" : "down";
  // The sequence is for support, not for the room: kept on the element, out of sight.
  updated.textContent = `Updated ${clock(figures.receivedAt)} · figures as of ${clock(figures.asOf)}`;
  updated.dataset.sequence = String(figures.sequence);
}

function draw(): void {
  document.getElementById("scope")!.textContent =
    areaCodes.length > 0 ? areaCodes.map((code) => areaNames.get(code) ?? code).join(", ") : "all areas";
  render(figures, areaNames, areaCodes.length > 0);
  fitToScreen();
}

draw();
void (async () => {
  // Every page of the areas, for their names (a hub of many forces has more than one).
  let pageToken = "";
  do {
    const response = await measures.listAreas({ pageToken });
    for (const area of response.areas) areaNames.set(area.code, area.name);
    pageToken = response.nextPageToken;
  } while (pageToken !== "");
  draw();
})().catch(() => undefined);
window.addEventListener("resize", fitToScreen);

setInterval(showStatus, 1000);
void renewForever();
void subscribeForever(feeds, areaCodes, {
  onMessage(message) {
    figures.apply(message);
    if (message.body.case !== "heartbeat") draw();
    showStatus();
  },
  onState(next) {
    state = next;
    showStatus();
  },
});
