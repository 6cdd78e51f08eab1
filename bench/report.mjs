// report.mjs — one table of zhida's figures beside the anchors', measured in
// the same run, with ratios; written as markdown (docs/benchmarks.md).
//
//   node bench/report.mjs --anchors results.json --zhida zhida.json --cli cli.json
//        --check ok|failed --out docs/benchmarks.md
import fs from 'node:fs';
import os from 'node:os';

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const anchors = JSON.parse(fs.readFileSync(arg('--anchors'), 'utf8'));
const z = JSON.parse(fs.readFileSync(arg('--zhida'), 'utf8'));
const cli = arg('--cli') && fs.existsSync(arg('--cli')) ? JSON.parse(fs.readFileSync(arg('--cli'), 'utf8')) : null;
const check = arg('--check', 'not run');
const out = arg('--out');

const duck = anchors.engines.find((e) => e.engine === 'duckdb');
const fmt = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? '—' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const sci = (x) => (x === undefined || x === null ? '—' : Number(x).toExponential(2));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}×` : '—');

const rows = [];
rows.push(`| engine | rows | load s | full s | pairs/s | single µs | sandbox ms | peak MB |`);
rows.push(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
rows.push(`| **zhida** | ${z.rows.toLocaleString('en-US')} | ${fmt(z.load_s)} | ${fmt(z.full_s, 3)} | ${sci(z.pairs_per_s)} | ${fmt(z.single_us, 1)} | ${fmt(z.sandbox_ms, 1)} | ${fmt(z.peak_rss_mb, 0)} |`);
for (const e of anchors.engines) {
  const sandbox = e.sandbox_ms_at_n ?? e.sandbox_ms;
  rows.push(`| ${e.engine}${e.best ? ` (${e.best})` : ''} | ${Number(e.rows).toLocaleString('en-US')} | ${fmt(e.load_s)} | ${e.kind === 'sql' ? fmt(e.full_s, 2) : '—'} | ${sci(e.pairs_per_s)} | ${fmt(e.single_us, 1)} | ${fmt(sandbox, 1)}${e.sandbox_ms_at_n ? ' (scaled)' : ''} | — |`);
}
const r = [];
r.push(`| figure | zhida | DuckDB | zhida vs DuckDB | target |`);
r.push(`| --- | ---: | ---: | ---: | --- |`);
r.push(`| full match, pairs/s | ${sci(z.pairs_per_s)} | ${sci(duck?.pairs_per_s)} | ${ratio(z.pairs_per_s, duck?.pairs_per_s)} faster | ≥ 50× |`);
r.push(`| one firm × all policies | ${fmt(z.single_us, 1)} µs | ${fmt(duck?.single_us, 0)} µs | ${ratio(duck?.single_us, z.single_us)} faster | ≤ 10 µs |`);
r.push(`| sandbox (one policy × all firms, with street breakdown) | ${fmt(z.sandbox_ms, 1)} ms | ${fmt(duck?.sandbox_ms, 1)} ms | ${ratio(duck?.sandbox_ms, z.sandbox_ms)} faster | ≤ 10 ms |`);
r.push(`| CSV load | ${fmt(z.load_s)} s | ${fmt(duck?.load_s)} s | ${z.load_s && duck?.load_s ? (z.load_s / duck.load_s).toFixed(2) : '—'} of DuckDB's time | ≤ 0.5 |`);
r.push(`| peak memory | ${fmt(z.peak_rss_mb, 0)} MB | | | ≤ 600 MB at 1M |`);
r.push(`| table memory | ${fmt(z.table_mb, 0)} MB (${fmt(z.bytes_per_firm, 0)} bytes per firm) | | | |`);

const m = anchors.machine || {};
const text = `# Benchmarks

Measured by \`make bench\` (scripts/bench.sh) on ${new Date().toISOString().slice(0, 10)}:
the workload of \`../shared/bench\` (gen.mjs, seed ${anchors.workload?.seed ?? 1}), ${Number(z.rows).toLocaleString('en-US')} firms × ${z.policies} policies,
zhida and the anchors (anchors.mjs) in the same run, ${anchors.threads ?? 2} threads.

Machine: ${m.model ?? os.cpus()[0].model}, ${m.cpus ?? os.cpus().length} cores, ${m.mem_gib ?? Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}.

Answers: zhida's match, possible, id_sum and award_sum for every policy checked against DuckDB: **${check}**.

## Ratios to DuckDB

${r.join('\n')}

## All engines

${rows.join('\n')}

zhida: load = reading enterprises.csv into the columnar table (all cores); full = best of
${z.repeat ?? 5} runs of every policy against every firm; single = median over ${z.single_n ?? 1000} firms of one firm
against every policy; sandbox = one policy planned afresh (as for an edited draft) against every
firm, with match count, award sum and the breakdown by street. The engine shares
${z.shared_uses} condition uses among ${z.nodes} distinct conditions (${z.generic_nodes} evaluated by the generic evaluator).
${cli ? `\n\`zhida match --stats\` on the same files: ${JSON.stringify(cli)}\n` : ''}
Per-row engines (ZEN, json-rules-engine, json-logic) run on a sample of rows and are reported
per pair; their sandbox figure is scaled to all rows. See ../shared/bench/README.md.
`;
if (out) fs.writeFileSync(out, text);
console.log(text);
