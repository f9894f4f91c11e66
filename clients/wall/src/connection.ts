// The subscription: snapshot then updates, resumed from the last sequence after any break.
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { LiveService, type LiveFeed, type SubscribeResponse } from "./gen/metrics/v1/live_pb";
import { MeasuresService } from "./gen/metrics/v1/measures_pb";

export type ConnectionState = { kind: "connecting" } | { kind: "live" } | { kind: "retrying"; inSeconds: number; reason: string };

export interface WallConnection {
  onMessage(message: SubscribeResponse): void;
  onState(state: ConnectionState): void;
}

const transport = createGrpcWebTransport({ baseUrl: window.location.origin });

export const live: Client<typeof LiveService> = createClient(LiveService, transport);
export const measures: Client<typeof MeasuresService> = createClient(MeasuresService, transport);

/** Subscribes for ever: on a break, waits (1, 2, 4, 8, then 10 s) and resumes after the last sequence received. */
export async function subscribeForever(feeds: LiveFeed[], areaCodes: string[], wall: WallConnection): Promise<never> {
  let lastSequence: bigint | undefined;
  let failures = 0;
  for (;;) {
    wall.onState({ kind: "connecting" });
    try {
      const stream = live.subscribe({ feeds, areaCodes, resumeAfterSequence: lastSequence });
      for await (const message of stream) {
        failures = 0;
        lastSequence = message.sequence;
        wall.onState({ kind: "live" });
        wall.onMessage(message);
      }
      throw new Error("the server ended the stream");
    } catch (error) {
      failures++;
      const inSeconds = Math.min(10, 2 ** (failures - 1));
      wall.onState({ kind: "retrying", inSeconds, reason: error instanceof Error ? error.message : String(error) });
      await new Promise((resolve) => setTimeout(resolve, inSeconds * 1000));
    }
  }
}
