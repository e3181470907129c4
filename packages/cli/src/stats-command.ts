import { Admin, createClient, serverStatsSnapshot } from "@tsgrpc/grpc";
import { headerMetadata, HEADER_FLAGS } from "./headers.js";
import { runCommand } from "./run-command.js";
import { formatStatsJson, formatStatsTable } from "./stats-table.js";
import { TARGET_FLAGS, withTarget } from "./target.js";

export const STATS_USAGE = `usage: tsgrpc stats HOST:PORT [--json] [-H 'key: value']...
                   [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--lb pick_first|round_robin]
  Prints a server's call counts from its admin service (tsgrpc.admin.v1.Admin, which createAdminService serves):
  calls started, succeeded, failed and in flight, in all and per method, with each method's statuses and latency
  percentiles (upper bounds of gRFC A66's histogram buckets), and its open connections and streams.
  --json prints the same as one JSON object, for machines.`;

const FLAGS = [...TARGET_FLAGS, ...HEADER_FLAGS, { names: ["--json"] }];

export function runStats(argv: string[]): Promise<number> {
  return runCommand("stats", STATS_USAGE, FLAGS, argv, (args) => {
    const [target] = args.expect(1, 1, "a target (HOST:PORT)");
    return withTarget(target!, args, async (channel) => {
      const answer = await createClient(Admin, channel).getServerStats({}, { metadata: headerMetadata(args), timeout: 10_000 });
      const stats = serverStatsSnapshot(answer);
      process.stdout.write(args.has("--json") ? formatStatsJson(stats) : formatStatsTable(target!, stats));
      return 0;
    });
  });
}
