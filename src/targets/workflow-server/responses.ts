/** Dify-shaped answers shared by the Service API routes: error bodies and `GET /v1/parameters`. */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../../util/http-server.ts';
import { type App, startVariables } from './app.ts';

/** Dify's error body `{code, message, status}` (401 adds its WWW-Authenticate). */
export function difyError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(
    res,
    status,
    { code, message, status },
    status === 401 ? { 'www-authenticate': 'Bearer realm="api"' } : {},
  );
}

/** `GET /v1/parameters`: the app's input form, every feature off. */
export function parametersOf(app: App) {
  const off = { enabled: false };
  return {
    opening_statement: '',
    suggested_questions: [],
    suggested_questions_after_answer: off,
    speech_to_text: off,
    text_to_speech: off,
    retriever_resource: off,
    annotation_reply: off,
    more_like_this: off,
    sensitive_word_avoidance: off,
    file_upload: off,
    system_parameters: {
      file_size_limit: 15,
      image_file_size_limit: 10,
      audio_file_size_limit: 50,
      video_file_size_limit: 100,
      workflow_file_upload_limit: 10,
    },
    user_input_form: startVariables(app).map((v) => ({
      [v.type]: {
        variable: v.variable,
        label: v.label,
        type: v.type,
        required: v.required,
        max_length: v.maxLength,
        options: v.options,
      },
    })),
  };
}
