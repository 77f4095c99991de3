// biome-ignore-all lint/suspicious/noExplicitAny: assertions read the loosely typed JSON summary.
/**
 * The client against a real Dify 1.13.2's recorded bytes (test/fixtures/dify-1.13/), replayed from
 * a plain node:http server through the real CLI: events counted without the ping, TTFE from the
 * first real event, node and workflow times from Dify's elapsed_time, and the chatflow verdict
 * read from workflow_finished, which comes after message_end.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, tempDir } from '../cli/helpers.ts';
import { type Recording, readRecording, replayServer, streamEvents } from '../dify-recordings.ts';

/** Between the ping and the first event: the recorded streams' own gaps are too small to tell apart. */
const PING_LEAD_MS = 400;
const REQUESTS = 3;

async function replay(recording: Recording, protocol: string, ...extra: string[]) {
  const server = await replayServer(() => recording, PING_LEAD_MS);
  try {
    const r = await runCli(
      [
        'run',
        '--target',
        server.url,
        '--protocol',
        protocol,
        '--api-key',
        'app-replay',
        '--iterations',
        String(REQUESTS),
        '--users',
        '1',
        '--json-summary',
        '--out',
        join(tempDir(), 'out'),
        ...extra,
      ],
      { timeoutMs: 90_000 },
    );
    return { ...r, summary: r.summary as Record<string, any> };
  } finally {
    await server.close();
  }
}

describe('replaying a real Dify 1.13.2', () => {
  test('workflow Start → End: 7 events (the ping is none), TTFE after the ping, times from elapsed_time', async () => {
    const recording = readRecording('real-dify-echo-workflow-streaming.txt');
    const events = streamEvents(recording.body);
    assert.equal(events.length, 7);
    const r = await replay(recording, 'workflow');
    assert.equal(r.code, 0, r.stderr);
    const { totals, latency } = r.summary;
    assert.equal(totals.requests, REQUESTS);
    assert.equal(totals.failures, 0);
    assert.equal(totals.events, 7 * REQUESTS, 'event: ping is not an event');
    assert.equal(totals.tokens, REQUESTS, 'one text_chunk each');
    assert.ok(
      latency.ttfe.min >= PING_LEAD_MS - 5,
      `ttfe ${latency.ttfe.min} counts from the first event, not the ping`,
    );
    // Headers and ping come at once, the events PING_LEAD_MS later (on a loaded machine, both late).
    assert.ok(
      latency.ttfb.min < latency.ttfe.min - PING_LEAD_MS / 2,
      'headers came well before the first event',
    );
    // Dify's own node times (seconds → ms), not the gaps the client saw.
    assert.ok(
      Math.abs(latency['node_duration.End'].max - 0.102) < 0.001,
      JSON.stringify(latency['node_duration.End']),
    );
    assert.ok(Math.abs(latency['node_duration.Start'].max - 0.988) < 0.002);
    assert.equal(latency['node_gap.End'].count, REQUESTS);
    assert.ok(
      Math.abs(latency.workflow_elapsed.max - 78.657) < 0.1,
      JSON.stringify(latency.workflow_elapsed),
    );
    assert.ok(latency.request_duration.min >= PING_LEAD_MS - 5);
  });

  test('workflow with IF/ELSE: both branches, only the chosen End timed', async () => {
    for (const [file, end] of [
      ['real-dify-ifelse-workflow-streaming-hello.txt', 'End'],
      ['real-dify-ifelse-workflow-streaming-other.txt', 'End 2'],
    ] as const) {
      const r = await replay(readRecording(file), 'workflow');
      assert.equal(r.code, 0, r.stderr);
      const { totals, latency } = r.summary;
      assert.equal(totals.failures, 0);
      assert.equal(totals.events, 9 * REQUESTS);
      assert.equal(latency[`node_duration.${end}`].count, REQUESTS);
      assert.equal(latency[`node_duration.${end === 'End' ? 'End 2' : 'End'}`], undefined);
      assert.equal(latency['node_duration.IF/ELSE'].count, REQUESTS);
    }
  });

  test('chatflow: the verdict is workflow_finished, after message_end; a failed status is a stream_error', async () => {
    const recording = readRecording('real-dify-answer-chatflow-streaming.txt');
    const names = streamEvents(recording.body).map((e) => e.event);
    assert.deepEqual(names.slice(-2), ['message_end', 'workflow_finished']);
    const good = await replay(recording, 'chat');
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.summary.totals.failures, 0);
    assert.equal(good.summary.totals.events, 10 * REQUESTS);
    assert.ok(Math.abs(good.summary.latency.workflow_elapsed.max - 62.476) < 0.1);
    assert.ok(Math.abs(good.summary.latency['node_duration.Answer'].max - 0.22) < 0.001);

    const failedBody = recording.body
      .toString('utf8')
      .replace('"error":null,"exceptions_count"', '"error":"Node Answer run failed: boom","exceptions_count"')
      .replace('"status":"succeeded","total_steps"', '"status":"failed","total_steps"');
    assert.notEqual(failedBody, recording.body.toString('utf8'));
    const failed = await replay({ ...recording, body: Buffer.from(failedBody) }, 'chat');
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal(failed.summary.totals.failures, REQUESTS);
    assert.equal(failed.summary.errors.stream_error, REQUESTS);
    assert.equal(failed.summary.errorSamples.stream_error, 'workflow failed: Node Answer run failed: boom');
  });

  test('blocking: the recorded body (Python JSON spacing) is a success', async () => {
    const r = await replay(
      readRecording('real-dify-echo-workflow-blocking.txt'),
      'workflow',
      '--response-mode',
      'blocking',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.summary.totals.failures, 0);
    assert.equal(r.summary.totals.requests, REQUESTS);
  });
});
