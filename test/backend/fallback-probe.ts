// Run by native-loader.test.ts in a child process (fresh backend choice): computes a small
// matmul and prints the backend used, its thread count and the result as one JSON line.
import { getBackend, matmul, nativeInfo, tensor } from '../../src/index.js';

const a = tensor([[1, 2], [3, 4]]);
const product = matmul(a, a).toArray();
const backend = getBackend().name;
console.log(JSON.stringify({ backend, threads: backend === 'native' ? nativeInfo().threads : null, product }));
