import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { metas } from './descriptors';

/** The part of a ts-proto message's functions a serializer needs. */
interface Encoder<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
}

/**
 * The two fields of @bufbuild/protobuf's BinaryWriter the serializer reads:
 * its buffer and the write position. They are private in the library's
 * types; `probeWriter` checks at load that they behave as read here, and the
 * serializer falls back to the writer's public `finish()` if they do not.
 */
interface WriterState {
  buffer: Uint8Array;
  pos: number;
}

/**
 * Whether a writer's buffer and position can be read directly: a writer that
 * wrote one byte must show it at position 0 and stand at position 1.
 */
export function probeWriter(make: () => BinaryWriter = () => new BinaryWriter()): boolean {
  try {
    const state = make().uint32(42) as unknown as Partial<WriterState>;
    return state.buffer instanceof Uint8Array && state.pos === 1 && state.buffer[0] === 42;
  } catch {
    return false;
  }
}

const DIRECT = probeWriter();
/** One writer per process, reused by every serialization (JavaScript encodes one message at a time). */
let shared = new BinaryWriter();
/** The largest buffer the shared writer keeps between messages. */
const KEPT_BYTES = 64 * 1024;

/**
 * A serializer for grpc-js that encodes into one reused writer and copies the
 * bytes into a Buffer from Node's pool.
 *
 * ts-proto's generated serializers make a `BinaryWriter` per message; its
 * first buffer (128 bytes), any growth and `finish()`'s copy of a message
 * over 64 bytes are typed arrays that V8 allocates outside its heap (a
 * backing store from Node's allocator, registered with the collector and
 * swept later), several times what encoding the fields costs; reusing one
 * writer makes none. `npm run bench -- --serializers` times both on the
 * three-hop path's messages. The bytes are the same (a test compares them for every
 * method of every service).
 */
export function pooledSerializer<T>(type: Encoder<T>): (value: T) => Buffer {
  return (value) => {
    const writer = shared;
    try {
      type.encode(value, writer);
    } catch (err) {
      // A failed encode leaves the writer mid-message: the next one starts afresh.
      shared = new BinaryWriter();
      throw err;
    }
    if (!DIRECT) return Buffer.from(writer.finish());
    const state = writer as unknown as WriterState;
    const out = Buffer.allocUnsafe(state.pos);
    out.set(state.buffer.subarray(0, state.pos));
    state.pos = 0;
    // A rare large message does not pin its buffer for the life of the process.
    if (state.buffer.length > KEPT_BYTES) shared = new BinaryWriter();
    return out;
  };
}

/** Every message type of the contracts by its fully qualified name (`.govrnanza.account.v1.GetOrganizationRequest`). */
const types = new Map<string, unknown>();
const inputOutput = new Map<string, { input: string; output: string }>();
for (const m of metas) {
  for (const [name, value] of Object.entries(m.references)) types.set(name, value);
  const file = m.fileDescriptor;
  for (const service of file.service) {
    for (const method of service.method) {
      inputOutput.set(`/${file.package}.${service.name}/${method.name}`, { input: method.inputType, output: method.outputType });
    }
  }
}

function encoderOf(typeName: string, path: string): Encoder<unknown> {
  const type = types.get(typeName) as Partial<Encoder<unknown>> | undefined;
  if (typeof type?.encode !== 'function') throw new Error(`${path}: no message type ${typeName} in the contracts`);
  return type as Encoder<unknown>;
}

/**
 * The same service definition with `pooledSerializer` for the requests and
 * responses of the contracts' methods; deserializers, and methods that are
 * not in the contracts, unchanged.
 */
export function withPooledSerializers<D extends object>(definition: D): D {
  const out: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition as ServiceDefinition)) {
    const io = inputOutput.get(method.path);
    if (!io) {
      out[key] = method;
      continue;
    }
    out[key] = {
      ...method,
      requestSerialize: pooledSerializer(encoderOf(io.input, method.path)),
      responseSerialize: pooledSerializer(encoderOf(io.output, method.path)),
    };
  }
  return out as D;
}
