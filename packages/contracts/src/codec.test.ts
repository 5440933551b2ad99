import { BinaryWriter } from '@bufbuild/protobuf/wire';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { DescriptorProto, FieldDescriptorProto } from 'ts-proto-descriptors';
import { metas } from './descriptors';
import { pooledSerializer, probeWriter, withPooledSerializers } from './codec';
import { account, billing, faults, profile, registry } from './index';

const SERVICES: Record<string, ServiceDefinition> = {
  account: account.AccountServiceService,
  billing: billing.BillingServiceService,
  faults: faults.FaultAdminServiceService,
  profile: profile.ProfileServiceService,
  registry: registry.RegistryServiceService,
};

/** Every message descriptor and generated message type, by fully qualified name. */
const descriptors = new Map<string, DescriptorProto>();
const types = new Map<string, { fromJSON(o: unknown): unknown }>();
for (const m of metas) {
  const add = (prefix: string, d: DescriptorProto): void => {
    descriptors.set(`${prefix}.${d.name}`, d);
    d.nestedType.forEach((n) => add(`${prefix}.${d.name}`, n));
  };
  m.fileDescriptor.messageType.forEach((d) => add(`.${m.fileDescriptor.package}`, d));
  for (const [name, value] of Object.entries(m.references)) types.set(name, value as { fromJSON(o: unknown): unknown });
}

// FieldDescriptorProto types and labels (descriptor.proto).
const TYPE = { double: 1, float: 2, int64: 3, uint64: 4, int32: 5, bool: 8, string: 9, message: 11, bytes: 12, uint32: 13, enum: 14 } as const;
const REPEATED = 3;

/**
 * A JSON form of `typeName` with every field set (two elements in repeated
 * fields, strings of `stringLength` characters with one outside ASCII), so an
 * encoding writes every field and, with long strings, grows its buffer.
 */
function filled(typeName: string, stringLength: number, depth = 0): Record<string, unknown> {
  if (typeName === '.google.protobuf.Timestamp') return { seconds: 1_764_000_000, nanos: 123_000_000 };
  const d = descriptors.get(typeName);
  if (!d) throw new Error(`no descriptor for ${typeName}`);
  const out: Record<string, unknown> = {};
  for (const f of d.field) {
    const one = (i: number): unknown => scalar(f, stringLength, depth, i);
    const value = f.label === REPEATED ? [one(0), one(1)] : one(0);
    if (value !== undefined) out[f.jsonName] = value;
  }
  return out;
}

function scalar(f: FieldDescriptorProto, stringLength: number, depth: number, i: number): unknown {
  switch (f.type) {
    case TYPE.string:
      return `${f.name}-${i}-é-`.padEnd(stringLength, 'x');
    case TYPE.bool:
      return true;
    case TYPE.enum:
      return 1;
    case TYPE.bytes:
      return Buffer.from('bytes').toString('base64');
    case TYPE.message: {
      if (depth > 4) return undefined;
      const json = filled(f.typeName, stringLength, depth + 1);
      return f.typeName === '.google.protobuf.Timestamp' ? new Date(1_764_000_000_123).toISOString() : json;
    }
    case TYPE.double:
    case TYPE.float:
      return 0.5 + i;
    default:
      return 1_000 + 7 * i;
  }
}

function message(typeName: string, stringLength: number): unknown {
  const type = types.get(typeName);
  if (!type) throw new Error(`no generated type for ${typeName}`);
  return type.fromJSON(filled(typeName, stringLength));
}

/** Input and output type names of a method, from the descriptors. */
function methodTypes(path: string): { input: string; output: string } {
  for (const m of metas) {
    const file = m.fileDescriptor;
    for (const s of file.service) for (const meth of s.method) if (`/${file.package}.${s.name}/${meth.name}` === path) return { input: meth.inputType, output: meth.outputType };
  }
  throw new Error(`no method ${path}`);
}

describe('pooled serializers', () => {
  it('read the writer directly with the installed @bufbuild/protobuf (else every message would take the slower fallback)', () => {
    expect(probeWriter()).toBe(true);
  });

  it('detect a writer whose internals are not what the serializer reads', () => {
    const opaque = (): BinaryWriter => {
      const w = new BinaryWriter();
      Object.defineProperty(w, 'buffer', { value: undefined });
      return w;
    };
    expect(probeWriter(opaque)).toBe(false);
  });

  for (const [service, definition] of Object.entries(SERVICES)) {
    it(`give the generated serializers' bytes for every method of ${service}, short and long strings`, () => {
      const pooled = withPooledSerializers(definition);
      expect(Object.keys(pooled)).toEqual(Object.keys(definition));
      let compared = 0;
      for (const [key, method] of Object.entries(definition)) {
        const io = methodTypes(method.path);
        const p = pooled[key]!;
        expect(p.requestSerialize).not.toBe(method.requestSerialize);
        expect(p.requestDeserialize).toBe(method.requestDeserialize);
        for (const length of [0, 12, 300]) {
          for (const [value, ours, theirs] of [
            [message(io.input, length), p.requestSerialize, method.requestSerialize],
            [message(io.output, length), p.responseSerialize, method.responseSerialize],
          ] as const) {
            const expected = theirs(value);
            const got = ours(value);
            expect(Buffer.isBuffer(got)).toBe(true);
            expect(got.toString('hex'), `${method.path} (${length}-character strings)`).toBe(expected.toString('hex'));
            compared++;
          }
        }
      }
      expect(compared).toBe(Object.keys(definition).length * 6);
    });
  }

  it('hands out buffers that later serializations do not overwrite', () => {
    const ser = pooledSerializer(account.GetOrganizationRequest);
    const first = ser({ orgId: 'org_first' });
    ser({ orgId: 'org_second_and_longer'.repeat(20) });
    expect(account.GetOrganizationRequest.decode(first).orgId).toBe('org_first');
  });

  it('start afresh after an encode that throws half way', () => {
    const ser = pooledSerializer(registry.Api);
    const bad = { ...(message('.govrnanza.registry.v1.Api', 12) as registry.Api), lifecycle: 2 ** 40 };
    expect(() => ser(bad)).toThrow(/int32/);
    const good = message('.govrnanza.registry.v1.Api', 12) as registry.Api;
    expect(ser(good).toString('hex')).toBe(Buffer.from(registry.Api.encode(good).finish()).toString('hex'));
  });

  it('leave a method that is not in the contracts as it is', () => {
    const other = { echo: { ...account.AccountServiceService.getOrganization, path: '/test.Echo/Echo' } };
    expect(withPooledSerializers(other).echo).toBe(other.echo);
  });
});
