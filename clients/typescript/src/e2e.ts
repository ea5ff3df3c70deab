// End to end against a real server (tests/test_client_typescript.py starts `asgard serve --demo`):
// a query, a mutation answered with typed userErrors, a training job followed over graphql-transport-ws to its
// end, and a Relay global id fetched back. Prints one JSON line of what it saw; exits non-zero on any surprise.
import assert from "node:assert/strict";

import { AsgardClient, AsgardRequestError } from "./client.js";
import {
  FeatureViewsDocument,
  FollowTrainingJobDocument,
  NodeDocument,
  PlatformStatusDocument,
  RegisterFeatureViewDocument,
  SubmitTrainingJobDocument,
  TrainingJobDocument,
  type JobStatus,
} from "./gql/graphql.js";

const TERMINAL: ReadonlySet<JobStatus> = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"]);

async function main(url: string, token: string | undefined): Promise<void> {
  if (process.env.ASGARD_E2E_TRUSTED === "1") return trustedOnly(url, token);
  const client = new AsgardClient({ url, token });
  try {
    const automatic = await automaticPersistedQueries(url);
    const status = await client.request(PlatformStatusDocument);
    assert.equal(typeof status.platformStatus.version, "string");
    assert.equal(status.platformStatus.feastAvailable, true);

    const refused = await client.request(RegisterFeatureViewDocument, {
      input: {
        name: "ts_client_view",
        entities: ["customer_id"],
        features: [{ name: "total_orders", dtype: "INT64" }],
        source: { table: "gold.no_such_table", timestampField: "updated_at" },
      },
    });
    const errors = refused.registerFeatureView.userErrors;
    assert.equal(refused.registerFeatureView.featureView, null);
    assert.ok(errors.length > 0 && errors.every((e) => e.code === "UNKNOWN_TABLE"), JSON.stringify(errors));

    const views = await client.request(FeatureViewsDocument); // only optional variables: none need be given
    const view = views.featureViews.edges[0]?.node;
    assert.ok(view, "the demo has a feature view");
    const listed = await client.request(
      // the global id a list answered, fetched back as the object it names
      NodeDocument,
      { id: await globalIdOf(client, view.name) },
    );
    assert.equal(listed.node?.__typename, "FeatureView");
    assert.ok(listed.node?.__typename === "FeatureView" && listed.node.name === view.name);

    let malformed = "";
    try {
      await client.request(NodeDocument, { id: "not-a-global-id" });
    } catch (error) {
      assert.ok(error instanceof AsgardRequestError);
      malformed = error.codes.join(",");
    }
    assert.equal(malformed, "BAD_USER_INPUT");

    const submitted = await client.request(SubmitTrainingJobDocument, {
      input: {
        scriptName: "hello.py",
        script: "import time\nfor i in range(3):\n    print('step', i, flush=True)\n    time.sleep(0.2)\n",
        experimentName: "ts-client-e2e",
      },
    });
    assert.deepEqual(submitted.submitTrainingJob.userErrors, []);
    const job = submitted.submitTrainingJob.job;
    assert.ok(job);
    const seen: JobStatus[] = [];
    for await (const event of client.subscribe(FollowTrainingJobDocument, { id: job.id })) {
      seen.push(event.trainingJob.status);
      if (TERMINAL.has(event.trainingJob.status)) break;
    }
    assert.equal(seen.at(-1), "SUCCEEDED", JSON.stringify(seen));
    console.log(JSON.stringify({ version: status.platformStatus.version, userErrors: errors, statuses: seen, automatic }));
  } finally {
    await client.close();
  }
}

// Against a server in trusted-documents mode, as a reader: the operations run by hash (over HTTP and the
// websocket), the same document sent as text is refused.
async function trustedOnly(url: string, token: string | undefined): Promise<void> {
  const client = new AsgardClient({ url, token, persisted: true });
  const asText = new AsgardClient({ url, token });
  try {
    const status = await client.request(PlatformStatusDocument);
    assert.equal(status.viewer.role, "READER");
    const views = await client.request(FeatureViewsDocument, { first: 5 });
    const refused = await codesOf(asText.request(PlatformStatusDocument));
    // the same document as text over the websocket: the server's `error` message, as a typed error
    const refusedOverSocket = await codesOf(
      (async () => {
        for await (const event of asText.subscribe(FollowTrainingJobDocument, { id: "x" })) return event;
      })(),
    );
    // a job that does not exist: the subscription ran (by hash) and answered NOT_FOUND
    const followed = await codesOf(
      (async () => {
        for await (const event of client.subscribe(FollowTrainingJobDocument, { id: "no-such-job" })) return event;
      })(),
    );
    const job = await client.request(TrainingJobDocument, { id: "no-such-job" }); // a reader's view: no output
    assert.equal(job.trainingJob, null);
    const badToken = await refusedSocket(url);
    const seen = { views: views.featureViews.totalCount, refused, refusedOverSocket, followed, badToken };
    console.log(JSON.stringify({ trusted: true, ...seen }));
  } finally {
    await client.close();
    await asText.close();
  }
}

// A server with ASGARD_PERSISTED_QUERIES=auto: the first request by hash is answered PERSISTED_QUERY_NOT_FOUND
// and sent again with its text; the next goes by hash alone. What each request carried, in order.
async function automaticPersistedQueries(url: string): Promise<string[]> {
  const sent: string[] = [];
  const counting: typeof fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body)) as { query?: string; extensions?: unknown };
    sent.push(body.query ? (body.extensions ? "text+hash" : "text") : "hash");
    return fetch(input, init);
  };
  const client = new AsgardClient({ url, persisted: "auto", fetch: counting });
  for (let i = 0; i < 2; i++) {
    const answer = await client.request(PlatformStatusDocument);
    assert.equal(typeof answer.platformStatus.version, "string");
  }
  return sent;
}

// A subscription with a token the server (one with tokens) does not know: refused at once (4403), not retried
// for a minute.
async function refusedSocket(url: string): Promise<{ status: number; codes: string[]; seconds: number }> {
  const started = Date.now();
  const client = new AsgardClient({ url, token: "asg_000000000000_" + "x".repeat(43) });
  try {
    for await (const event of client.subscribe(FollowTrainingJobDocument, { id: "x" })) return assert.fail(`${event}`);
  } catch (error) {
    assert.ok(error instanceof AsgardRequestError, `a typed error, not ${String(error)}`);
    return { status: error.status, codes: error.codes, seconds: (Date.now() - started) / 1000 };
  } finally {
    await client.close();
  }
  return assert.fail("the subscription ended without an error");
}

async function codesOf(pending: Promise<unknown>): Promise<string[]> {
  try {
    await pending;
  } catch (error) {
    if (error instanceof AsgardRequestError) return error.codes;
    throw error;
  }
  return [];
}

async function globalIdOf(client: AsgardClient, name: string): Promise<string> {
  const views = await client.request(FeatureViewsDocument, { filter: { nameContains: name }, first: 100 });
  const found = views.featureViews.edges.find((edge) => edge.node.name === name);
  assert.ok(found);
  return found.node.globalId;
}

const url = process.argv[2] ?? process.env.ASGARD_URL ?? "http://127.0.0.1:8000/graphql";
main(url, process.env.ASGARD_TOKEN).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
