// Validate CSAF 2.0 documents with the official validator library: the
// strict schema test and every mandatory test (CSAF 2.0 §6.1). Usage:
//   node validate-csaf.mjs FILE.json...
// Prints each error as "FILE: TEST INSTANCEPATH: MESSAGE"; exits 1 when any
// document has an error, 2 on bad usage or unreadable input. The library
// bundles its schemas (CSAF and FIRST's CVSS), so nothing is fetched.
import { readFileSync } from 'node:fs'

import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: node validate-csaf.mjs FILE.json...')
  process.exit(2)
}

const tests = [csaf_2_0_strict, ...Object.values(mandatory)]
let failed = false
for (const file of files) {
  let doc
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    console.error(`${file}: cannot read: ${e.message}`)
    process.exit(2)
  }
  const result = await validateStrict(tests, doc)
  let count = 0
  for (const t of result.tests) {
    for (const e of t.errors) {
      console.log(`${file}: ${t.name} ${e.instancePath || '/'}: ${e.message}`)
      count++
    }
  }
  if (!result.isValid || count > 0) failed = true
  else console.log(`${file}: valid (${result.tests.length} tests)`)
}
process.exit(failed ? 1 : 0)
