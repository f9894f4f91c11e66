// The latest figure per key, as the stream delivers them, and how each reads against its standard.
import type { LiveFigure, SubscribeResponse } from "./gen/metrics/v1/live_pb";

export type Rag = "green" | "amber" | "red";

export class Figures {
  private readonly byKey = new Map<string, LiveFigure>();
  asOf: Date | undefined;
  receivedAt: Date | undefined;
  sequence = 0n;

  apply(message: SubscribeResponse): void {
    this.receivedAt = new Date();
    this.sequence = message.sequence;
    if (message.asOf) {
      this.asOf = new Date(Number(message.asOf.seconds) * 1000 + message.asOf.nanos / 1e6);
    }
    switch (message.body.case) {
      case "snapshot":
        this.byKey.clear();
        for (const figure of message.body.value.figures) this.byKey.set(figure.key, figure);
        break;
      case "update":
        for (const figure of message.body.value.figures) this.byKey.set(figure.key, figure);
        // Figures that left (an alert forgotten a day after it cleared): drop them, as a fresh wall would not have them.
        for (const key of message.body.value.removedKeys) this.byKey.delete(key);
        break;
    }
  }

  get(key: string): LiveFigure | undefined {
    return this.byKey.get(key);
  }

  all(prefix: string): LiveFigure[] {
    return [...this.byKey.values()].filter((f) => f.key.startsWith(prefix)).sort((a, b) => a.key.localeCompare(b.key));
  }
}

/** A % against its standard: green at or above, amber within 5 points below, red further below. */
export function againstStandard(percent: number, standard: number): Rag {
  return percent >= standard ? "green" : percent >= standard - 5 ? "amber" : "red";
}

/** A count against its tolerance: green under 80% of it, amber up to it, red above. */
export function againstTolerance(count: number, tolerance: number): Rag {
  if (tolerance <= 0) return "green";
  return count > tolerance ? "red" : count >= 0.8 * tolerance ? "amber" : "green";
}

/** Words beside every colour, so that colour is never the only signal. */
export const ragWords: Record<Rag, string> = { green: "✓ OK", amber: "▲ Near limit", red: "✗ Over limit" };
