/**
 * The onnxruntime engine's worker thread: holds the sessions (one per clip geometry) and runs
 * them, so a run — which blocks its thread for the whole forward pass — never stalls the main
 * thread's decoding, frame making and progress bar. Requests and replies: session_thread.ts.
 */
import { parentPort } from 'node:worker_threads';
import { loadOnnxruntime, type OrtSession } from './onnxruntime.ts';
import type { SessionReply, SessionRequest } from './session_thread.ts';

const port = parentPort;
if (!port) throw new Error('onnx_worker.ts runs as a worker thread');
const sessions = new Map<string, OrtSession>();

async function handle(r: SessionRequest): Promise<SessionReply> {
  const status = await loadOnnxruntime();
  if (!status.available) throw new Error(status.reason);
  const { ort } = status;
  switch (r.kind) {
    case 'open': {
      const session = await ort.InferenceSession.create(r.model, r.options);
      await sessions.get(r.key)?.release();
      sessions.set(r.key, session);
      return { kind: 'done', id: r.id };
    }
    case 'run': {
      const session = sessions.get(r.key);
      if (!session) throw new Error(`no session for clips ${r.key}`);
      const out = await session.run({ [r.input]: new ort.Tensor('float32', r.clips, r.shape) }, [r.output]);
      return { kind: 'result', id: r.id, values: Float32Array.from(out[r.output].data as Float32Array) };
    }
  }
}

port.on('message', (r: SessionRequest) => {
  handle(r).then(
    (reply) => port.postMessage(reply, reply.kind === 'result' ? [reply.values.buffer as ArrayBuffer] : []),
    (e: Error) => port.postMessage({ kind: 'error', id: r.id, message: e.message } satisfies SessionReply),
  );
});
