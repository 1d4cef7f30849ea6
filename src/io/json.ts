/**
 * The first key that appears twice in one object of `text`, or null. `text` must already be
 * valid JSON (JSON.parse keeps the last duplicate silently; safetensors forbids them).
 */
export function findDuplicateKey(text: string): string | null {
  const objects: (Set<string> | null)[] = []; // null marks an array level
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = objects[objects.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b /* { */) {
      objects.push(new Set());
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      objects.push(null);
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      objects.pop();
    } else if (ch === 0x2c /* , */) {
      expectKey = objects[objects.length - 1] instanceof Set;
    }
  }
  return null;
}
