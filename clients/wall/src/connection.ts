// The subscription: snapshot then updates, resumed from the last sequence after any break.
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { LiveService, type LiveFeed, type SubscribeResponse } from "./gen/metrics/v1/live_pb";
import { MeasuresService } from "./gen/metrics/v1/measures_pb";

export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "live" }
  | { kind: "retrying"; inSeconds: number; reason: string }
  | { kind: "refused"; reason: string };

export interface WallConnection {
  onMessage(message: SubscribeResponse): void;
  onState(state: ConnectionState): void;
}

// The viewer token comes in the address's fragment (#token=…, never sent to a server or kept in
// its logs), is kept for this tab so a reload still works, and is taken out of the address bar.
const fragment = new URLSearchParams(window.location.hash.slice(1));
const token = fragment.get("token") ?? sessionStorage.getItem("metrics-token");
if (fragment.has("token")) {
  sessionStorage.setItem("metrics-token", fragment.get("token")!);
  history.replaceState(null, "", window.location.pathname + window.location.search);
}

const bearer: Interceptor = (next) => (request) => {
  if (token) request.header.set("authorization", `Bearer ${token}`);
  return next(request);
};

const transport = createGrpcWebTransport({ baseUrl: window.location.origin, interceptors: [bearer] });

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
      // A token that is missing, expired or without the viewer role will not get better by retrying.
      if (error instanceof ConnectError && (error.code === Code.Unauthenticated || error.code === Code.PermissionDenied)) {
        wall.onState({ kind: "refused", reason: error.rawMessage });
        return await new Promise<never>(() => undefined);
      }
      failures++;
      const inSeconds = Math.min(10, 2 ** (failures - 1));
      wall.onState({ kind: "retrying", inSeconds, reason: error instanceof Error ? error.message : String(error) });
      await new Promise((resolve) => setTimeout(resolve, inSeconds * 1000));
    }
  }
}
