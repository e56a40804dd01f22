// Builds src/passwords/common-passwords.txt, the list of common passwords new passwords
// are checked against (NIST 800-63B "values known to be commonly used"). Not run by any
// build: the list is committed. To rebuild it:
//
//   cd /tmp && npm pack @zxcvbn-ts/language-common && mkdir -p zx && tar xzf zxcvbn-ts-language-common-*.tgz -C zx
//   node scripts/common-passwords.mjs /tmp/zx/package/src/passwords.json
//
// The source list is ordered from most to least common. We keep the first entries that
// are at least 8 characters long (shorter passwords are refused for their length anyway),
// lower-cased and NFKC-normalized as the lookup in src/passwords/policy.ts does, and
// writes them sorted (shared prefixes compress better; the lookup is a Set). The count is
// bounded by the worker bundle budget (scripts/build-check.mjs): 3,000 entries are about
// 11 KiB gzip, 5,000 would be 17 KiB.
import { readFileSync, writeFileSync } from "node:fs";

const SOURCE_VERSION = "@zxcvbn-ts/language-common 4.1.3";
const MIN_LENGTH = 8;
const COUNT = 3000;
const OUTPUT = new URL("../src/passwords/common-passwords.txt", import.meta.url);

const source = process.argv[2];
if (!source) {
  console.error("usage: node scripts/common-passwords.mjs <path to passwords.json>");
  process.exit(1);
}

/** @type {string[]} */
const all = JSON.parse(readFileSync(source, "utf8"));
/** @type {Set<string>} */
const kept = new Set();
for (const entry of all) {
  const normalized = entry.normalize("NFKC").toLowerCase();
  if ([...normalized].length < MIN_LENGTH || normalized.startsWith("#")) continue;
  kept.add(normalized);
  if (kept.size >= COUNT) break;
}

const header = [
  `# The ${kept.size} most common passwords of at least ${MIN_LENGTH} characters, lower-cased and NFKC-normalized,`,
  `# from the password dictionary of ${SOURCE_VERSION} (https://github.com/zxcvbn-ts/zxcvbn),`,
  "# made by scripts/common-passwords.mjs. One password a line, sorted; lines starting with # are comments.",
  "#",
  "# NOTICE: MIT License. Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.",
  "# Copyright (c) 2021 @zxcvbn-ts. Permission is hereby granted, free of charge, to any person",
  '# obtaining a copy of this software and associated documentation files (the "Software"), to',
  "# deal in the Software without restriction, including without limitation the rights to use,",
  "# copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and",
  "# to permit persons to whom the Software is furnished to do so, subject to the following",
  "# conditions: The above copyright notice and this permission notice shall be included in all",
  '# copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT',
  "# WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF",
  "# MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE",
  "# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN",
  "# ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE",
  "# OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.",
];
writeFileSync(OUTPUT, `${header.join("\n")}\n${[...kept].sort().join("\n")}\n`);
console.log(`wrote ${kept.size} passwords to ${OUTPUT.pathname}`);
