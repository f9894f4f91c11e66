// Draws the wall from the figures: calls per line, unresourced per area, the backlog, alerts.
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import { IncidentGrade } from "./gen/metrics/v1/events_pb";
import type { CallWindowFigure } from "./gen/metrics/v1/live_pb";
import { againstStandard, againstTolerance, type Figures, type Rag, ragWords } from "./figures";

const element = (id: string): HTMLElement => document.getElementById(id)!;
const escape = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const seconds = (d: Duration | undefined): number => (d ? Number(d.seconds) + d.nanos / 1e9 : 0);
const time = (t: Timestamp | undefined): string =>
  t ? new Date(Number(t.seconds) * 1000).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" }) : "";
const percent = (value: number | undefined): string => (value === undefined ? "–" : `${value.toFixed(1)}%`);

export function age(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;
}

function badge(rag: Rag, words?: string): string {
  return `<span class="rag ${rag}" data-rag="${rag}">${escape(words ?? ragWords[rag])}</span>`;
}

/** Under the minimum a window is not judged (meets_standard unset): say so, never "below standard" on 5 calls. */
function standardBadge(window: CallWindowFigure | undefined): string {
  if (!window || window.answered === 0) return `<span class="rag none" data-rag="none">No calls answered yet</span>`;
  if (window.meetsStandard === undefined) {
    return `<span class="rag none" data-rag="none">Too few calls to judge (${window.answered} of ${window.minimumAnsweredToJudge} answered)</span>`;
  }
  const rag = againstStandard(window.answeredWithinThresholdPercent ?? 0, window.standardPercent);
  return badge(rag, rag === "green" ? "✓ Meets standard" : rag === "amber" ? "▲ Just below standard" : "✗ Below standard");
}

function callLine(figures: Figures, line: "999" | "101", forceWide: boolean): string {
  const waiting = figures.get(`calls/${line}/waiting`)?.figure;
  const hour = figures.get(`calls/${line}/rolling_hour`)?.figure;
  const interval = figures.get(`calls/${line}/current_interval`)?.figure;
  const today = figures.get(`calls/${line}/today`)?.figure;
  const w = (f: typeof hour): CallWindowFigure | undefined => (f?.case === "callWindow" ? f.value : undefined);
  const [h, i, t] = [w(hour), w(interval), w(today)];
  return `
    <article class="card" data-line="${line}">
      <h2>${line} calls${forceWide ? ' <span class="scope" data-scope="force-wide">force-wide</span>' : ""}</h2>
      <div class="headline">
        <div><div class="big" data-figure="calls/${line}/waiting">${waiting?.case === "callsWaiting" ? waiting.value.count : 0}</div>
          <div class="label">waiting now</div></div>
        <div><div class="big" data-figure="calls/${line}/rolling_hour/in_time">${percent(h?.answeredWithinThresholdPercent)}</div>
          <div class="label">answered in time, last hour (standard ${h?.standardPercent ?? "–"}%)</div>
          <div data-figure="calls/${line}/rolling_hour/judged">${standardBadge(h)}</div></div>
      </div>
      <dl>
        <dt>Abandoned, last hour</dt><dd data-figure="calls/${line}/rolling_hour/abandoned_percent">${percent(h?.abandonedPercent)}</dd>
        <dt>Average / longest wait</dt><dd>${seconds(h?.averageWait).toFixed(0)} s / ${seconds(h?.longestWait).toFixed(0)} s</dd>
        <dt>This interval (${time(i?.start)}–${time(i?.end)})</dt>
        <dd data-figure="calls/${line}/current_interval">${i?.offered ?? 0} offered · ${i?.answered ?? 0} answered · ${i?.abandoned ?? 0} abandoned</dd>
        <dt>Today</dt>
        <dd data-figure="calls/${line}/today">${t?.offered ?? 0} offered · ${percent(t?.answeredWithinThresholdPercent)} in time · ${percent(t?.abandonedPercent)} abandoned</dd>
      </dl>
    </article>`;
}

function areaTile(figures: Figures, areaKey: string, name: string): string {
  const grades = figures.all(`unresourced/${areaKey}/`).flatMap((f) => (f.figure.case === "unresourced" ? [f.figure.value] : []));
  const count = grades.reduce((sum, g) => sum + g.count, 0);
  const tolerance = grades[0]?.tolerance ?? 0;
  const oldest = Math.max(0, ...grades.map((g) => seconds(g.oldestAge)));
  const rag = againstTolerance(count, tolerance);
  const attendance = figures.get(`attendance/${areaKey}`)?.figure;
  const today = attendance?.case === "attendance" ? attendance.value.today : undefined;
  const byGrade = [IncidentGrade.EMERGENCY, IncidentGrade.PRIORITY, IncidentGrade.SCHEDULED]
    .map((grade) => `${IncidentGrade[grade].toLowerCase()} ${grades.find((g) => g.grade === grade)?.count ?? 0}`)
    .join(" · ");
  return `
    <article class="tile ${rag}" data-area="${escape(areaKey)}">
      <h3>${escape(name)}</h3>
      <div class="big" data-figure="unresourced/${escape(areaKey)}">${count}</div>
      <div class="label">unresourced (tolerance ${tolerance})</div>
      ${badge(rag)}
      <div class="detail">${byGrade}</div>
      <div class="detail">oldest ${count > 0 ? age(oldest) : "none waiting"}</div>
      <div class="detail" data-figure="attendance/${escape(areaKey)}/today">${
        today?.percentWithinTarget === undefined ? "emergency: none attended yet today" : `emergency attended in 20 min today: ${percent(today.percentWithinTarget)}`
      }</div>
    </article>`;
}

/** The most alerts listed in full: more would push the tiles off the screen, so the rest are counted. */
const alertsListed = 3;

/** Draws every section; <paramref name="forceWide"/>: the wall shows chosen areas, so the call lines (force-wide) say so. */
export function render(figures: Figures, areaNames: Map<string, string>, forceWide: boolean): void {
  element("calls").innerHTML = figures.all("calls/").length === 0 ? "" : callLine(figures, "999", forceWide) + callLine(figures, "101", forceWide);

  const areas = [...new Set(figures.all("unresourced/").map((f) => f.key.split("/")[1]!))].sort((a, b) =>
    a === "force" ? -1 : b === "force" ? 1 : a.localeCompare(b),
  );
  element("incidents").innerHTML = areas.map((a) => areaTile(figures, a, a === "force" ? "Force-wide" : areaNames.get(a) ?? a)).join("");

  const intelligence = figures.get("intelligence")?.figure;
  if (intelligence?.case === "intelligence") {
    const v = intelligence.value;
    const rag = againstTolerance(v.outstanding, v.limit);
    element("intelligence").innerHTML = `
      <article class="tile ${rag}">
        <h3>Intelligence</h3>
        <div class="big" data-figure="intelligence/outstanding">${v.outstanding}</div>
        <div class="label">outstanding (limit ${v.limit})</div>
        ${badge(rag)}
        <div class="detail">last hour: ${v.submittedLastHour} in · ${v.processedLastHour} processed</div>
        <div class="detail">today: ${v.submittedToday} in · ${v.processedToday} processed</div>
      </article>`;
  }

  // Newest first; past the third, a count, so that the tiles stay on the screen.
  const alerts = figures
    .all("alert/")
    .flatMap((f) => (f.figure.case === "alert" && f.figure.value.active ? [{ key: f.key, ...f.figure.value }] : []))
    .sort((a, b) => Number(b.raisedAt?.seconds ?? 0n) - Number(a.raisedAt?.seconds ?? 0n));
  const more = alerts.length - alertsListed;
  element("alerts").innerHTML =
    alerts
      .slice(0, alertsListed)
      .map((a) => `<div class="alert" role="alert" data-alert="${escape(a.key)}">⚠ ${escape(a.message)} <span class="since">since ${time(a.raisedAt)}</span></div>`)
      .join("") + (more > 0 ? `<div class="alert more" data-alert-more="${more}">⚠ and ${more} more alert${more === 1 ? "" : "s"}</div>` : "");
}
