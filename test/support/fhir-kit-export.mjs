// A Bulk Data export driven by an npm FHIR client (fhir-kit-client, ESM-only, hence a child
// process): kick-off on one replica, status polled on another. Prints what it saw as JSON.
// Usage: node fhir-kit-export.mjs <baseUrlA> <baseUrlB> <groupId>
import { Client } from 'fhir-kit-client';

const [, , baseA, baseB, groupId] = process.argv;
const a = new Client({ baseUrl: baseA });
const b = new Client({ baseUrl: baseB });
const out = {};

const kick = await a.request(`Group/${groupId}/$export?_type=Patient,Observation`, {
  options: { headers: { prefer: 'respond-async', accept: 'application/fhir+json' } },
});
const kickRes = Client.httpFor(kick).response;
out.kickOff = { status: kickRes.status, contentLocation: kickRes.headers.get('content-location') };
// The status URL names the public base (the load balancer); poll it on replica B.
const jobPath = new URL(out.kickOff.contentLocation).pathname.replace(/^\/fhir\//, '');
const polls = [];
let manifest;
for (let i = 0; i < 10 && manifest === undefined; i++) {
  const body = await b.request(jobPath);
  const res = Client.httpFor(body).response;
  polls.push({ status: res.status, progress: res.headers.get('x-progress'), retryAfter: res.headers.get('retry-after') });
  if (res.status === 200) manifest = body;
}
out.polls = polls;
out.manifest = manifest;
console.log(JSON.stringify(out));
