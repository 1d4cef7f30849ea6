// Preloaded (node --import) into a child process: when it exits, its peak resident set size
// (bytes) is written to $GLIMPSE_PEAK_RSS_FILE, so a test can bound the memory a command used.
import { writeFileSync } from 'node:fs';

const out = process.env.GLIMPSE_PEAK_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
