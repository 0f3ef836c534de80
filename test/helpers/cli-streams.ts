// Stand-ins for stdout and stderr when a test runs a maintainer command's main() in-process: everything
// written is kept for the test to read; stderr is not a terminal, so progress bars print only their last line.
export function captureStreams() {
  let out = '';
  let err = '';
  return {
    streams: {
      stdout: { write: (chunk: string) => (out += chunk) },
      stderr: { write: (chunk: string) => (err += chunk), isTTY: false },
    },
    out: () => out,
    err: () => err,
  };
}
