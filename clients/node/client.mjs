// A client in another language, sharing nothing with the .NET code but the .proto files:
// Node with @grpc/grpc-js, protos loaded at run time. It reads history, reads what an error says
// (google.rpc details: the reason to branch on and what it is about), then subscribes to the
// live feed, publishes an event and waits for the figure it changes.
// With an admin token it also imports a figure the safe way: with a request id, sent twice as a
// system does when the answer to the first was lost, which stores it once.
// Usage: METRICS_TOKEN=<viewer token> METRICS_PUBLISHER_TOKEN=<publisher token> \
//        [METRICS_ADMIN_TOKEN=<admin token>] node clients/node/client.mjs <host:port>
//        (the server's gRPC port, HTTP/2 cleartext)
// A development server writes the tokens to src/Metrics.Server/data/tokens/.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

const address = process.argv[2] ?? 'localhost:5080';
const protos = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'protos');
const definition = protoLoader.loadSync(
  ['metrics/v1/measures.proto', 'metrics/v1/live.proto', 'metrics/v1/events.proto'],
  { includeDirs: [protos], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true },
);
const v1 = grpc.loadPackageDefinition(definition).metrics.v1;
const credentials = grpc.credentials.createInsecure();
const measures = new v1.MeasuresService(address, credentials);
const live = new v1.LiveService(address, credentials);
const ingest = new v1.IngestService(address, credentials);
const deadline = () => new Date(Date.now() + 10_000);
const bearer = (token) => {
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};
const viewer = bearer(process.env.METRICS_TOKEN);
const publisher = bearer(process.env.METRICS_PUBLISHER_TOKEN);
const call = (client, method, request, metadata = viewer) =>
  new Promise((resolve, reject) =>
    client[method](request, metadata, { deadline: deadline() }, (error, response) => (error ? reject(error) : resolve(response))));

function fail(message) {
  console.error(`FAIL ${message}`);
  process.exit(1);
}

const catalogue = await call(measures, 'ListMeasures', {});
console.log(`measures ${catalogue.measures.length}`);
const series = await call(measures, 'GetSeries', {
  measureId: 'total_recorded_crime',
  areaCode: 'west-mercia',
  range: { first: { year: 2019, month: 2 }, last: { year: 2019, month: 3 } },
});
console.log(`series ${series.points.map((p) => `${p.label}=${p.value}`).join(' ')}`);
if (series.points.at(-1)?.value !== 7767) fail('March 2019 total recorded crime is not 7767');

// An error's details (google.rpc.Status in the grpc-status-details-bin trailer): the messages
// are google's, declared here rather than fetched (any protobuf library decodes them).
const rpc = protobuf.Root.fromJSON({
  nested: {
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'Any', id: 3 } } },
    Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    ErrorInfo: { fields: { reason: { type: 'string', id: 1 }, domain: { type: 'string', id: 2 }, metadata: { keyType: 'string', type: 'string', id: 3 } } },
    BadRequest: { fields: { fieldViolations: { rule: 'repeated', type: 'FieldViolation', id: 1 } } },
    FieldViolation: { fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 }, reason: { type: 'string', id: 3 } } },
    RetryInfo: { fields: { retryDelay: { type: 'Duration', id: 1 } } },
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
  },
});
const errorDetail = (error, type) => {
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  const detail = bytes && rpc.lookupType('Status').decode(bytes).details.find((d) => d.typeUrl.endsWith(`/google.rpc.${type}`));
  return detail ? rpc.lookupType(type).decode(detail.value) : undefined;
};
const errorInfo = (error) => errorDetail(error, 'ErrorInfo');
const fieldsAtFault = (error) => errorDetail(error, 'BadRequest')?.fieldViolations.map((v) => v.field) ?? [];
const retryDelayMs = (error) => {
  const delay = errorDetail(error, 'RetryInfo')?.retryDelay;
  return delay ? Number(delay.seconds) * 1000 + delay.nanos / 1e6 : undefined;
};

// Publishing as a force system should: a batch refused for the caller's rate (RESOURCE_EXHAUSTED,
// RATE_LIMITED) is sent again after the delay the server gives (google.rpc.RetryInfo).
async function publishBatch(events) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(ingest, 'PublishBatch', { events }, publisher);
    } catch (error) {
      const wait = retryDelayMs(error);
      if (wait === undefined || attempt === 5) throw error;
      console.log(`rate limited: ${grpc.status[error.code]} ${errorInfo(error)?.reason}, sent again after ${(wait / 1000).toFixed(1)} s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
const refused = await call(measures, 'GetSeries', { measureId: 'total_recorded_crimes', areaCode: 'west-mercia' }).then(
  () => fail('an unknown measure was answered'),
  (error) => error,
);
const info = errorInfo(refused);
console.log(`error ${grpc.status[refused.code]} ${info?.domain}/${info?.reason} measure_id=${info?.metadata.measure_id}: ${refused.details}`);

// An import with a request id (a UUID made once per import, kept until an answer comes): sent
// again after a lost answer it answers as the first time and stores nothing twice.
if (process.env.METRICS_ADMIN_TOKEN) {
  const admin = bearer(process.env.METRICS_ADMIN_TOKEN);
  const importRows = (header, rows) => new Promise((resolve, reject) => {
    const upload = measures.ImportObservations(admin, { deadline: deadline() }, (error, response) => (error ? reject(error) : resolve(response)));
    upload.write({ header });
    rows.forEach((row) => upload.write({ row }));
    upload.end();
  });
  const requestId = randomUUID();
  const header = { forceCode: 'west-mercia', source: 'node-sample-client', requestId };
  const row = (value) => ({ lineNumber: 2, measureId: 'robbery', area: 'shropshire', month: { year: 2010, month: 1 }, value });
  const first = await importRows(header, [row(17)]);
  const again = await importRows(header, [row(17)]);
  console.log(`import #${first.summary.importId} added ${first.summary.changes.added}; sent again: #${again.summary.importId} added ${again.summary.changes.added}`);
  const reused = await importRows(header, [row(18)]).then(() => fail('a request id reused for other rows was answered'), (error) => error);
  const reusedInfo = errorInfo(reused);
  console.log(`reused ${grpc.status[reused.code]} ${reusedInfo?.reason} import_id=${reusedInfo?.metadata.import_id} field=${fieldsAtFault(reused).join(',')}`);
}

// A morning's intelligence, sent in two batches (the same source and ids again are duplicates,
// never counted twice).
const report = (i) => ({
  source: 'node-sample-client',
  eventId: `node-intelligence-${process.pid}-${i}`,
  occurredAt: { seconds: Math.floor(Date.now() / 1000) - 60, nanos: 0 },
  intelligenceSubmitted: { reportId: `node-report-${process.pid}-${i}`, areaCode: 'shropshire' },
});
let accepted = 0;
for (const batch of [[0, 1, 2, 3, 4, 5], [6, 7]]) {
  const stored = await publishBatch(batch.map(report)).catch((error) => fail(`publish: ${error.message}`));
  accepted += stored.acknowledgement.accepted;
}
console.log(`intelligence: accepted ${accepted}`);

const stream = live.Subscribe({ feeds: ['LIVE_FEED_INCIDENTS'], areaCodes: ['telford-and-wrekin'] }, viewer);
const timer = setTimeout(() => fail('no update with the published incident within 30 s'), 30_000);
// The acknowledgement and the update it causes race (the update can come first): the update waits for it.
let published;
stream.on('data', async (message) => {
  if (message.body === 'snapshot' && !published) {
    console.log(`snapshot #${message.sequence} with ${message.snapshot.figures.length} figures`);
    published = publish();
    await published;
    return;
  }
  const figure = message.update?.figures.find((f) => f.key === 'unresourced/telford-and-wrekin/priority');
  if (figure) {
    await published;
    console.log(`update #${message.sequence}: unresourced/telford-and-wrekin/priority = ${figure.unresourced.count}`);
    clearTimeout(timer);
    stream.cancel();
    process.exit(figure.unresourced.count >= 1 ? 0 : 1);
  }
});

async function publish() {
  const at = new Date(Date.now() - 1000);
  const ack = await publishBatch([{
    source: 'node-sample-client',
    eventId: `node-${process.pid}-${Date.now()}`,
    occurredAt: { seconds: Math.floor(at.getTime() / 1000), nanos: 0 },
    incidentOpened: { incidentId: `node-incident-${process.pid}`, areaCode: 'telford-and-wrekin', grade: 'INCIDENT_GRADE_PRIORITY' },
  }]).catch((error) => fail(`publish: ${error.message}`));
  console.log(`published: accepted ${ack.acknowledgement.accepted}`);
}

stream.on('error', (error) => {
  if (error.code !== grpc.status.CANCELLED) fail(`stream: ${error.message}`);
});
