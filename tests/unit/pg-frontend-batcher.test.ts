import { describe, expect, it } from "vitest";
import { FrontendBatcher } from "../../local/pg-frontend-batcher";

function untyped(body: Buffer): Buffer {
	const header = Buffer.alloc(4);
	header.writeInt32BE(body.length + 4);
	return Buffer.concat([header, body]);
}
function startup(): Buffer {
	const body = Buffer.alloc(4 + 5);
	body.writeInt32BE(196608);
	body.write("user\0", 4);
	return untyped(body);
}
function typed(type: string, body = Buffer.alloc(0)): Buffer {
	const header = Buffer.alloc(5);
	header.write(type, 0);
	header.writeInt32BE(body.length + 4, 1);
	return Buffer.concat([header, body]);
}

function collect() {
	const batches: string[] = [];
	const batcher = new FrontendBatcher((batch) => {
		const types: string[] = [];
		let i = 0;
		// Decode the batch back into message types for readable assertions.
		while (i < batch.length) {
			const type = String.fromCharCode(batch[i]!);
			types.push(type);
			i += 1 + batch.readInt32BE(i + 1);
		}
		batches.push(types.join(""));
	});
	return { batcher, batches };
}

describe("FrontendBatcher", () => {
	it("forwards the startup message at once, then whole extended-protocol batches ending in Sync", () => {
		const forwarded: Buffer[] = [];
		const batcher = new FrontendBatcher((b) => forwarded.push(Buffer.from(b)));
		batcher.push(startup());
		expect(forwarded).toHaveLength(1);
		for (const type of ["P", "B", "D", "E"]) batcher.push(typed(type, Buffer.from("x")));
		expect(forwarded).toHaveLength(1);
		batcher.push(typed("S"));
		expect(forwarded).toHaveLength(2);
		expect(forwarded[1]!.length).toBe(4 * 6 + 5);
	});

	it("reassembles messages split across frames and splits frames holding several batches", () => {
		const { batcher, batches } = collect();
		const forwarded: Buffer[] = [];
		const raw = new FrontendBatcher((b) => forwarded.push(b));
		raw.push(startup());
		batcher.push(startup());
		batches.length = 0;
		const stream = Buffer.concat([
			typed("P", Buffer.from("select 1")),
			typed("B"),
			typed("E"),
			typed("S"),
			typed("Q", Buffer.from("select 2\0")),
		]);
		batcher.push(stream.subarray(0, 3));
		batcher.push(stream.subarray(3, 20));
		expect(batches).toEqual([]);
		batcher.push(stream.subarray(20));
		expect(batches).toEqual(["PBES", "Q"]);
	});

	it("forwards a batch that never ends after a short stall, so no client waits forever", async () => {
		const { batcher, batches } = collect();
		batcher.push(startup());
		batches.length = 0;
		batcher.push(Buffer.concat([typed("P"), typed("B"), typed("E")]));
		expect(batches).toEqual([]);
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(batches).toEqual(["PBE"]);
	});
});
