/**
 * `npm run bench:sse`: the hand-written candidate parser against eventsource-parser (the decision:
 * keep hand-written only if ≥ 2× faster on (a) and (b)), and the cost of the wrapper streamload
 * ships (eventsource-parser + UTF-8 decoding + sizes + cap). Same process, same bytes.
 * Corpora: (a) Dify-style ~200-byte `data: {json}` events, (b) OpenAI chat.completion.chunk
 * events, (c) corpus (a) delivered one byte per chunk. Prints events/s and ns/event (median of runs).
 * Then the interpreters: workflow / chat content events read from their name against JSON.parse.
 */
import { createParser } from 'eventsource-parser';
import { createAnthropicProtocol } from '../src/protocols/anthropic.ts';
import { createChatProtocol } from '../src/protocols/chat.ts';
import { parseEventJson } from '../src/protocols/json-events.ts';
import { createOpenAiProtocol } from '../src/protocols/openai.ts';
import { createOpenAiResponsesProtocol } from '../src/protocols/openai-responses.ts';
import type { Protocol } from '../src/protocols/types.ts';
import { createWorkflowProtocol } from '../src/protocols/workflow.ts';
import { createSseParser } from '../src/sse/parser.ts';
import type { SseEvent } from '../src/sse/types.ts';
import { createSseParser as createHandwrittenParser } from './handwritten-parser.ts';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;

function difyCorpus(events: number): Buffer {
  let text = '';
  for (let i = 0; i < events; i++) {
    text += `data: {"event":"text_chunk","workflow_run_id":"6f1c2a8e-93b4-4e0b-a1d2-8c7f${String(i % 10000).padStart(8, '0')}","task_id":"0d1e","data":{"text":"token ${i} é","from_variable_selector":["1757611992921","text"]}}\n\n`;
    if (i % 500 === 0) text += 'event: ping\n\n';
  }
  return Buffer.from(text);
}

function openAiCorpus(events: number): Buffer {
  let text = '';
  for (let i = 0; i < events; i++) {
    text += `data: {"id":"chatcmpl-A1","object":"chat.completion.chunk","created":1757612000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":" word${i % 97}"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`;
  }
  return Buffer.from(`${text}data: [DONE]\n\n`);
}

/** Splits like a socket would: chunks of `size` bytes. */
function chunked(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

type Runner = (chunks: readonly Buffer[]) => number;

const handwritten: Runner = (chunks) => {
  let n = 0;
  const parser = createHandwrittenParser({ onEvent: () => n++ });
  for (const c of chunks) parser.feed(c);
  return n;
};

const shipped: Runner = (chunks) => {
  let n = 0;
  const parser = createSseParser({ onEvent: () => n++ });
  for (const c of chunks) parser.feed(c);
  return n;
};

const library: Runner = (chunks) => {
  let n = 0;
  // eventsource-parser takes strings: a streaming TextDecoder is part of its real cost.
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: () => n++ });
  for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }));
  return n;
};

function measure(
  run: Runner,
  chunks: readonly Buffer[],
): { eventsPerS: number; nsPerEvent: number; events: number } {
  run(chunks); // warm-up
  const samples: number[] = [];
  let events = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    events = run(chunks);
    samples.push(Number(process.hrtime.bigint() - start));
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] as number;
  return { eventsPerS: (events / median) * 1e9, nsPerEvent: median / events, events };
}

const size = quick ? 5_000 : 50_000;
const dify = difyCorpus(size);
const corpora: [string, Buffer[]][] = [
  ['(a) Dify ~200 B events, 16 KiB chunks', chunked(dify, 16 * 1024)],
  ['(b) OpenAI chunks, 16 KiB chunks', chunked(openAiCorpus(size), 16 * 1024)],
  [
    '(c) corpus (a), 1 byte per chunk',
    chunked(quick ? dify.subarray(0, 200_000) : dify.subarray(0, 2_000_000), 1),
  ],
];

const rows: string[][] = [];
for (const [name, chunks] of corpora) {
  const a = measure(handwritten, chunks);
  const b = measure(library, chunks);
  const c = measure(shipped, chunks);
  if (a.events !== b.events || c.events !== b.events) throw new Error(`${name}: event counts differ`);
  rows.push([
    name,
    String(a.events),
    fmt(a.eventsPerS),
    a.nsPerEvent.toFixed(0),
    fmt(b.eventsPerS),
    b.nsPerEvent.toFixed(0),
    `${(b.nsPerEvent / a.nsPerEvent).toFixed(2)}×`,
    c.nsPerEvent.toFixed(0),
  ]);
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`;
}

const header = [
  'corpus',
  'events',
  'hand-written events/s',
  'hand-written ns/event',
  'eventsource-parser events/s',
  'e-p ns/event',
  'hand-written speed-up',
  'shipped wrapper ns/event',
];
console.log(`SSE parser benchmark (Node ${process.version}, median of ${RUNS} runs)\n`);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log('\nDecision rule: keep the hand-written parser only if its speed-up is ≥ 2× on (a) and (b).');

// Interpretation, after the parser: the workflow and chat interpreters read a content event's
// meaning from its `event` name (and chat's `answer`) without JSON.parse (protocols/json-events.ts).
// Against: JSON.parse of every event, what the interpreters paid before. Kept only if it pays.
function interpretation(): void {
  const n = quick ? 20_000 : 200_000;
  const workflowEvents = Array.from({ length: n }, (_, i) => ({
    type: 'message',
    data: `{"event":"text_chunk","workflow_run_id":"6f1c2a8e-93b4-4e0b-a1d2-8c7f${String(i % 10000).padStart(8, '0')}","task_id":"0d1e","data":{"text":"token ${i} é","from_variable_selector":["1757611992921","text"]}}`,
    lastEventId: '',
    retry: undefined,
  }));
  // Real Dify writes Python's json.dumps spacing.
  const chatEvents = Array.from({ length: n }, (_, i) => ({
    type: 'message',
    data: `{"event": "message", "task_id": "0d1e", "id": "m1", "message_id": "m1", "conversation_id": "c1", "answer": " word${i % 97}", "created_at": 1705395332}`,
    lastEventId: '',
    retry: undefined,
  }));
  // The LLM APIs' text deltas as OpenAI and Anthropic write them (named in `event:` for the last two).
  const openAiEvents = Array.from({ length: n }, (_, i) => ({
    type: 'message',
    data: `{"id":"chatcmpl-B9","object":"chat.completion.chunk","created":1733000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":" word${i % 97}"},"logprobs":null,"finish_reason":null}]}`,
    lastEventId: '',
    retry: undefined,
  }));
  const responsesEvents = Array.from({ length: n }, (_, i) => ({
    type: 'response.output_text.delta',
    data: `{"type":"response.output_text.delta","item_id":"msg_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654","output_index":0,"content_index":0,"delta":" word${i % 97}","logprobs":[],"sequence_number":${i}}`,
    lastEventId: '',
    retry: undefined,
  }));
  const anthropicEvents = Array.from({ length: n }, (_, i) => ({
    type: 'content_block_delta',
    data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" word${i % 97}"}}`,
    lastEventId: '',
    retry: undefined,
  }));
  // Dify 1.13's own bytes (test/fixtures/dify-1.13/): keys sorted, so `"event"` is not first.
  const dify113Workflow = Array.from({ length: n }, (_, i) => ({
    type: 'message',
    data: `{"data":{"from_variable_selector":["1757611992921","text"],"text":"token ${i} é"},"event":"text_chunk","task_id":"d70cbc04-8582-4d82-b8d5-26524a169b24","workflow_run_id":"63baf51c-e938-45f3-97d7-be65${String(i % 10000).padStart(8, '0')}"}`,
    lastEventId: '',
    retry: undefined,
  }));
  const dify113Chat = Array.from({ length: n }, (_, i) => ({
    type: 'message',
    data: `{"answer":" word${i % 97}","conversation_id":"dc568bb7-950a-48df-b016-ce63453b9d38","created_at":1796530854,"event":"message","from_variable_selector":["1755077165532","text"],"id":"919c5901-bfbf-4fe3-8357-46b6e879c831","message_id":"919c5901-bfbf-4fe3-8357-46b6e879c831","task_id":"5a83fc58-4722-462e-ad53-a80ac73e8576"}`,
    lastEventId: '',
    retry: undefined,
  }));
  const nsPerEvent = (run: () => number): number => {
    run();
    const samples: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const start = process.hrtime.bigint();
      if (run() !== n) throw new Error('interpretation: every event must be one token');
      samples.push(Number(process.hrtime.bigint() - start) / n);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)] as number;
  };
  const parseAll = (events: readonly { data: string }[]) => () => {
    let tokens = 0;
    for (const e of events) {
      const parsed = parseEventJson(e.data);
      if (parsed.ok) tokens++;
    }
    return tokens;
  };
  const shipped = (protocol: Protocol, events: readonly SseEvent[]) => () => {
    const interpreter = protocol.createInterpreter();
    let tokens = 0;
    for (const e of events) if (interpreter.interpret(e).kind === 'content') tokens++;
    return tokens;
  };
  console.log(`\nInterpretation per content event (median of ${RUNS} runs of ${n} events)\n`);
  console.log('| protocol | JSON.parse every event ns | shipped interpreter ns | saved |\n|---|---|---|---|');
  for (const [name, protocol, events] of [
    ['workflow text_chunk, "event" first', createWorkflowProtocol({}), workflowEvents],
    ['chat message, "event" first (Python spacing)', createChatProtocol({}), chatEvents],
    ['workflow text_chunk, Dify 1.13 (keys sorted)', createWorkflowProtocol({}), dify113Workflow],
    ['chat message, Dify 1.13 (keys sorted)', createChatProtocol({}), dify113Chat],
    ['openai chunk', createOpenAiProtocol({}), openAiEvents],
    ['openai-responses output_text.delta', createOpenAiResponsesProtocol({}), responsesEvents],
    ['anthropic text_delta', createAnthropicProtocol({}), anthropicEvents],
  ] as const) {
    const before = nsPerEvent(parseAll(events));
    const after = nsPerEvent(shipped(protocol, events));
    console.log(
      `| ${name} | ${before.toFixed(0)} | ${after.toFixed(0)} | ${((1 - after / before) * 100).toFixed(0)}% |`,
    );
  }
}
interpretation();
