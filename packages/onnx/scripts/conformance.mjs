// Runs the ONNX backend conformance suite (../shared/onnx-backend-tests/node by default) through
// @gradcam/onnx and prints the per-op table (markdown) used in docs/onnx.md.
// Usage: node packages/onnx/scripts/conformance.mjs [--dir DIR] [--filter REGEX] [--backend wasm|cpu] [--failures] [--compact]
// Ops of the committed scope (CORE_OPS) are in bold. --compact prints four ops per table row.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '@gradcam/core';
import { CORE_OPS, runConformance, summarizeByOp } from '@gradcam/onnx/node';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: new URL('../../../../shared/onnx-backend-tests/node', import.meta.url).pathname },
    filter: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    failures: { type: 'boolean', default: false },
    compact: { type: 'boolean', default: false },
  },
});
if (!existsSync(values.dir)) {
  console.error(`no conformance suite at ${values.dir} (it lives in ../shared, which users of the project do not have)`);
  process.exit(1);
}
process.env.GRADCAM_QUIET ??= '1';
const backend = await initBackend({ backend: values.backend });
const t0 = performance.now();
const results = runConformance(values.dir, values.filter ? new RegExp(values.filter) : undefined);
const rows = summarizeByOp(results);
const total = { pass: 0, fail: 0, excluded: 0 };
for (const r of rows) {
  total.pass += r.pass;
  total.fail += r.fail;
  total.excluded += r.excluded;
}
const name = (op) => (CORE_OPS.includes(op) ? `**${op}**` : op);
const cell = (r) => `${r.pass}/${r.pass + r.fail + r.excluded}${r.fail ? ` (${r.fail} fail)` : ''}${r.excluded ? ` (${r.excluded} excl.)` : ''}`;
if (values.compact) {
  const per = 4;
  console.log(`|${' op | passed |'.repeat(per)}`);
  console.log(`|${'---|---|'.repeat(per)}`);
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    while (chunk.length < per) chunk.push(null);
    console.log(`|${chunk.map((r) => (r ? ` ${name(r.op)} | ${cell(r)} |` : ' | |')).join('')}`);
  }
} else {
  console.log(`| op | tests | pass | fail | excluded |`);
  console.log(`|---|---:|---:|---:|---:|`);
  for (const r of rows) console.log(`| ${name(r.op)} | ${r.pass + r.fail + r.excluded} | ${r.pass} | ${r.fail} | ${r.excluded} |`);
}
console.log(`\n**All:** ${results.length} tests, ${total.pass} pass, ${total.fail} fail, ${total.excluded} excluded.`);
console.log(`\nbackend ${backend}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (values.failures) {
  console.log('\nExcluded:');
  for (const r of rows) for (const e of r.exclusions) console.log(`- ${e.test}: ${e.detail}`);
  console.log('\nFailures:');
  for (const r of rows) for (const f of r.failures) console.log(`- ${f.test}: ${f.detail}`);
}
