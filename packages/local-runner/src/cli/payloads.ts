/** `yieldflow payloads <history.json>`: lists the out-of-band payloads a history refers to, and deletes them. */
import { parseArgs } from "node:util";
import { payloadReferences } from "@yieldflow/core";
import { type CliIO, UsageError } from "./format.js";
import { readHistoryFile } from "./history-file.js";
import { loadPayloads } from "./load-module.js";

export const PAYLOADS_HELP = `Usage: yieldflow payloads <history.json> [options]

Lists the values a recorded history keeps out of band (too large for their SWF field): for each reference, the
event and field that hold it, the store, the key and the size. With --delete, deletes those objects from their
store (given by --payloads).

Objects are content-addressed and shared by every run that stored the same value: delete a run's objects only when
no run that may still be replayed refers to them (a continue-as-new chain passing the same state along does). An
expiry rule on the store (see the README) is usually the better way.

Options:
      --payloads <module> the payload configuration the history was recorded with (see yieldflow run --help)
      --delete            delete the objects (needs --payloads)
  -h, --help              show this help

Exit status: 0 on success, 1 when an object could not be deleted, 2 for a wrong command line or an unreadable
history.`;

export async function payloadsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      payloads: { type: "string" },
      delete: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.out(PAYLOADS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("payloads needs one history file", "payloads");
  const history = readHistoryFile(positionals[0] as string, io.cwd, "payloads");
  const refs = payloadReferences(history.events);
  if (values.delete && values.payloads === undefined)
    throw new UsageError("--delete needs --payloads <module> to reach the store", "payloads");
  for (const r of refs) io.out(`event ${r.eventId}\t${r.field}\t${r.store}\t${r.key}\t${r.bytes} bytes`);
  const unique = new Map(refs.map((r) => [`${r.store}\0${r.key}`, r]));
  io.err(`${refs.length} reference(s) to ${unique.size} object(s)`);
  if (!values.delete) return 0;
  const payloads = await loadPayloads(values.payloads as string, io.cwd, "payloads");
  let failed = 0;
  for (const r of unique.values()) {
    const store = payloads.storeNamed(r.store);
    if (!store) {
      io.err(`cannot delete ${r.key}: no store named ${JSON.stringify(r.store)} is configured in ${values.payloads}`);
      failed++;
      continue;
    }
    try {
      await store.delete(r.key);
    } catch (err) {
      io.err(`cannot delete ${r.key} from ${r.store}: ${err instanceof Error ? err.message : String(err)}`);
      failed++;
    }
  }
  io.err(`deleted ${unique.size - failed} object(s)${failed ? `, ${failed} could not be deleted` : ""}`);
  return failed ? 1 : 0;
}
