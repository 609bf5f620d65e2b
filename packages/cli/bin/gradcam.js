#!/usr/bin/env node
// The `gradcam` command. A committed shim (not the build output itself), so that npm links it into
// node_modules/.bin on a fresh clone before `postinstall` has built dist/.
import '../dist/bin.js';
