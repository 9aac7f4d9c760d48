// Reference face descriptors from @vladmandic/face-api on TensorFlow.js's
// pure-JavaScript CPU backend, for aligned 150x150 chips written as PNG by the
// C++ parity test. face-api receives the chips as they are: a 150x150 input
// is neither padded nor resized by its toBatchTensor.
//
// usage: node face-api-descriptors.cjs NODE_PREFIX CHIP_DIR OUTPUT.json
// NODE_PREFIX holds node_modules (installed by install-deps.sh outside the
// repository). The JSON goes to a file because tfjs prints hints on stdout.
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [prefix, chipDir, outputFile] = process.argv.slice(2);
if (!prefix || !chipDir || !outputFile) {
  console.error('usage: node face-api-descriptors.cjs NODE_PREFIX CHIP_DIR OUTPUT.json');
  process.exit(2);
}
const requireFromPrefix = createRequire(path.join(path.resolve(prefix), 'package.json'));
// The node-wasm build takes TensorFlow.js from @tensorflow/tfjs (pure JS);
// tfjs-node would download a native binary, which is not allowed here.
const faceapi = requireFromPrefix('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { PNG } = requireFromPrefix('pngjs');

async function main() {
  const tf = faceapi.tf;
  await tf.setBackend('cpu');
  await tf.ready();
  const packageDir = path.dirname(requireFromPrefix.resolve('@vladmandic/face-api/package.json'));
  await faceapi.nets.faceRecognitionNet.loadFromDisk(path.join(packageDir, 'model'));

  const result = { backend: tf.getBackend(), tfjs: tf.version_core, faceApi: faceapi.version, descriptors: {} };
  const chips = fs.readdirSync(chipDir).filter((f) => f.endsWith('.png')).sort();
  for (const file of chips) {
    const png = PNG.sync.read(fs.readFileSync(path.join(chipDir, file)));
    const pixels = png.width * png.height;
    const rgb = new Float32Array(pixels * 3);
    for (let i = 0; i < pixels; i++) {  // RGBA -> RGB
      rgb[3 * i] = png.data[4 * i];
      rgb[3 * i + 1] = png.data[4 * i + 1];
      rgb[3 * i + 2] = png.data[4 * i + 2];
    }
    const input = tf.tensor3d(rgb, [png.height, png.width, 3]);
    const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
    input.dispose();
    result.descriptors[file] = Array.from(descriptor);
  }
  fs.writeFileSync(outputFile, JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
