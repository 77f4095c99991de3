// chat-conversation.ts — a two-turn Dify chat: the second turn continues the conversation the
// first one opened, by sending back the conversation_id its stream returned.
// Run: streamload run --protocol chat --scenario ./examples/chat-conversation.ts --users 5 --iterations 40
import { defineScenario } from 'streamload';

/** Dify puts the conversation_id on every event of a chat stream. */
const conversationOf = (events: { conversation_id?: string }[]): string | undefined =>
  events.find((e) => typeof e.conversation_id === 'string')?.conversation_id;

export default defineScenario({
  users: [
    {
      name: 'chatter',
      tasks: [
        {
          name: 'two turns',
          async run(ctx) {
            const turn = (conversationId: string) => ({
              query: ctx.question(),
              inputs: {},
              response_mode: 'streaming',
              user: ctx.user.id,
              conversation_id: conversationId,
            });
            // The run's chat request (path, key, --header values), with this body.
            const first = await ctx.sse({
              name: 'turn 1',
              body: turn(''),
              check: { 'turn 1 returned a conversation_id': (r) => conversationOf(r.json()) !== undefined },
            });
            const conversationId = conversationOf(first.json());
            if (!first.ok || conversationId === undefined) return;
            await ctx.sse({
              name: 'turn 2',
              body: turn(conversationId),
              check: {
                'turn 2 continued the conversation': (r) => conversationOf(r.json()) === conversationId,
              },
            });
          },
        },
      ],
    },
  ],
});
