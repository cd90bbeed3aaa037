import { assembleMessageSchema } from "../../lib/messages";
import { handleAssembleMessage } from "../../lib/pipeline/assemble";
import { stageConsumer } from "../wiring";

/** Consumer of the assemble queue (and its dead-letter queue): events in, staged evidence out. */
export default {
	queue: stageConsumer("assemble", assembleMessageSchema, handleAssembleMessage, (deps) => deps.assembleQueue),
} satisfies ExportedHandler<Env, unknown>;
