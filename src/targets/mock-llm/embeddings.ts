/**
 * OpenAI `POST /v1/embeddings`: one vector per input, `dimensions` honoured, as JSON numbers
 * (`encoding_format: "float"`) or as base64 of little-endian float32 (`"base64"`, the official
 * SDKs' default, which they decode themselves).
 */
import { refuse } from './api-errors.ts';
import type { Endpoint } from './endpoint.ts';
import { refuseUnknown, requiredString } from './request-checks.ts';
import { promptTokens } from './tokens.ts';

const PARAMS = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

/** text-embedding-3-large's size; every other model gets the small one's. */
const dimensionsOf = (model: string) => (model.endsWith('large') ? 3072 : 1536);

export const embeddings: Endpoint = {
  dialect: 'openai',
  plan(body, { random }) {
    refuseUnknown(body, PARAMS);
    const model = requiredString(body, 'model');
    const input = body.input;
    const inputs = Array.isArray(input) ? input : [input];
    if (input === undefined || input === '' || inputs.length === 0)
      refuse("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64')
      refuse(
        `Invalid value for 'encoding_format': expected 'float' or 'base64', got ${JSON.stringify(format)}.`,
        'encoding_format',
        'invalid_value',
      );
    // limits.ts has already bounded `dimensions` and inputs × dimensions.
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : dimensionsOf(model);
    const prompt = promptTokens(input);
    return {
      model,
      stream: false,
      steps: 1,
      outputTokens: 0,
      script: () => refuse("Invalid value for 'stream': embeddings do not stream.", 'stream'),
      body: () => ({
        object: 'list',
        data: inputs.map((_, index) => {
          const vector = new Float32Array(dimensions);
          for (let i = 0; i < dimensions; i++) vector[i] = Math.round((random.next() * 2 - 1) * 1e4) / 1e4;
          return {
            object: 'embedding',
            index,
            embedding: format === 'base64' ? base64Le(vector) : Array.from(vector),
          };
        }),
        model,
        usage: { prompt_tokens: prompt, total_tokens: prompt },
      }),
    };
  },
};

/** The vector's bytes as little-endian float32, base64: what the SDKs decode (whatever this machine's byte order). */
function base64Le(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString('base64');
}
