// The subscription: snapshot then updates, resumed from the last sequence after any break.
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { LiveService, type LiveFeed, type SubscribeResponse } from "./gen/metrics/v1/live_pb";
import { MeasuresService } from "./gen/metrics/v1/measures_pb";

/** Statuses that say the request itself is refused: the wall says why and stops, rather than asking again forever. */
const retryingCannotFix = [Code.Unauthenticated, Code.PermissionDenied, Code.InvalidArgument, Code.NotFound, Code.FailedPrecondition];

export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "live" }
  | { kind: "retrying"; inSeconds: number; reason: string }
  | { kind: "refused"; reason: string; notAuthorised: boolean };

export interface WallConnection {
  onMessage(message: SubscribeResponse): void;
  onState(state: ConnectionState): void;
}

// The viewer token comes in the address's fragment (#token=…, never sent to a server or kept in
// its logs), is kept for this tab so a reload still works, and is taken out of the address bar.
const fragment = new URLSearchParams(window.location.hash.slice(1));
let token = fragment.get("token") ?? sessionStorage.getItem("metrics-token");
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

/** When a token expires, from its payload; undefined when it cannot be read. */
function expiryOf(jwt: string): number | undefined {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    return payload.exp === undefined ? undefined : payload.exp * 1000;
  } catch {
    return undefined;
  }
}

/**
 * Keeps the wall's viewer identity alive for weeks without a person: at half of the token's life
 * the page asks the server for a renewed one (LiveService.RenewViewerToken) and keeps it in this
 * tab only, never in the address or a log. A refusal that retrying cannot mend (the identity
 * provider issues the tokens, or the renewals have run out) ends the renewing; the stream then
 * ends at the token's expiry and the wall says it is not authorised.
 */
export async function renewForever(): Promise<void> {
  let renewals = 0;
  for (;;) {
    const expires = token ? expiryOf(token) : undefined;
    if (!token || expires === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, Math.max(1000, (expires - Date.now()) / 2)));
    try {
      const renewed = await live.renewViewerToken({});
      token = renewed.token;
      sessionStorage.setItem("metrics-token", token);
      document.body.dataset.tokenRenewals = String(++renewals);
    } catch (error) {
      if (error instanceof ConnectError && [Code.Unauthenticated, Code.PermissionDenied, Code.FailedPrecondition].includes(error.code)) return;
      await new Promise((resolve) => setTimeout(resolve, 5000)); // the server is away: try again soon, well within the token's life
    }
  }
}

/** Subscribes for ever: on a break, waits (1, 2, 4, 8, then 10 s) and resumes after the last sequence received. */
export async function subscribeForever(feeds: LiveFeed[], areaCodes: string[], wall: WallConnection): Promise<never> {
  let resumeToken = "";
  let failures = 0;
  let streams = 0;
  for (;;) {
    wall.onState({ kind: "connecting" });
    const opening = token;
    try {
      const stream = live.subscribe({ feeds, areaCodes, resumeToken });
      let first = true;
      for await (const message of stream) {
        if (first) document.body.dataset.streams = String(++streams); // for support and tests: how often it reconnected
        first = false;
        failures = 0;
        resumeToken = message.resumeToken;
        wall.onState({ kind: "live" });
        wall.onMessage(message);
      }
      throw new Error("the server ended the stream");
    } catch (error) {
      // A token that is missing, expired or without the viewer role will not get better by retrying,
      // nor will a request the server refuses as it is (an unknown area in ?areas=).
      // The stream ends when the token that opened it expires: with a renewed token, reconnect at once.
      if (error instanceof ConnectError && error.code === Code.Unauthenticated && token !== opening) {
        continue;
      }
      if (error instanceof ConnectError && retryingCannotFix.includes(error.code)) {
        wall.onState({ kind: "refused", reason: error.rawMessage, notAuthorised: error.code === Code.Unauthenticated || error.code === Code.PermissionDenied });
        return await new Promise<never>(() => undefined);
      }
      failures++;
      const inSeconds = Math.min(10, 2 ** (failures - 1));
      wall.onState({ kind: "retrying", inSeconds, reason: error instanceof Error ? error.message : String(error) });
      await new Promise((resolve) => setTimeout(resolve, inSeconds * 1000));
    }
  }
}
